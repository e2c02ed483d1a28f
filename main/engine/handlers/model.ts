import type { Handlers } from '@contract';
import type { ModelCatalogService } from '../model/catalog/index';
import type { ModelService } from '../model/service';

type ModelMethods = 'model:status' | 'model:memory' | 'model:unload' | 'model:choose-pack' | 'model:forget-pack' | 'model:set-provider' | 'model:diagnostics' | 'model:ask'
  | 'model:catalog' | 'model:get' | 'model:get-control' | 'model:get-state' | 'model:verify-pack' | 'model:convert';

/** `model:*`: the installed pack, the execution provider, one DeepResonance turn from files; getting the model (catalogue, Get, verify, convert). */
export function modelHandlers(model: ModelService, catalog: ModelCatalogService): Pick<Handlers, ModelMethods> {
  return {
    'model:status': () => model.status(),
    'model:choose-pack': ({ path }, { signal, progress }) =>
      model.choosePack(path, (fraction, file) => progress({ stage: 'verifying pack', fraction, message: file }), signal),
    'model:forget-pack': () => model.forgetPack(),
    'model:set-provider': ({ provider }) => model.setProvider(provider),
    'model:diagnostics': () => model.diagnostics(),
    'model:memory': () => model.memory(),
    'model:unload': () => model.unloadModel(),
    'model:ask': ({ packPath, provider, ...req }, { signal, progress, token }) =>
      model.askWithPack(packPath, provider ?? 'auto', req, {
        signal,
        onLoad: (fraction, file) => progress({ stage: 'loading model', fraction, message: file }),
        onStage: (stage) => progress({ stage }),
        onText: token,
      }),
    'model:catalog': ({ refresh, ...folders }) => catalog.catalog(refresh ?? false, folders),
    'model:get': (req) => catalog.get(req),
    'model:get-control': ({ action }) => catalog.control(action),
    'model:get-state': () => catalog.state(),
    'model:verify-pack': ({ path }, { signal, progress }) =>
      catalog.verifyPack(path, (fraction, file) => progress({ stage: 'hashing', fraction, message: file }), signal),
    'model:convert': (o, { signal, progress }) =>
      catalog.convert({
        ...o, signal,
        onProgress: (p) => progress({ stage: p.step, fraction: p.total > 0 ? Math.min(1, p.done / p.total) : undefined, message: p.bytes !== undefined ? `${p.bytes} bytes` : undefined }),
      }),
  };
}
