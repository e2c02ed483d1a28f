import type { Handlers } from '@contract';
import type { ModelService } from '../model/service';

type ModelMethods = 'model:status' | 'model:choose-pack' | 'model:forget-pack' | 'model:set-provider' | 'model:diagnostics' | 'model:ask';

/** `model:*`: the installed pack, the execution provider, one DeepResonance turn from files. */
export function modelHandlers(model: ModelService): Pick<Handlers, ModelMethods> {
  return {
    'model:status': () => model.status(),
    'model:choose-pack': ({ path }, { signal, progress }) =>
      model.choosePack(path, (fraction, file) => progress({ stage: 'verifying pack', fraction, message: file }), signal),
    'model:forget-pack': () => model.forgetPack(),
    'model:set-provider': ({ provider }) => model.setProvider(provider),
    'model:diagnostics': () => model.diagnostics(),
    'model:ask': ({ packPath, provider, ...req }, { signal, progress, token }) =>
      model.askWithPack(packPath, provider ?? 'auto', req, {
        signal,
        onLoad: (fraction, file) => progress({ stage: 'loading model', fraction, message: file }),
        onStage: (stage) => progress({ stage }),
        onText: token,
      }),
  };
}
