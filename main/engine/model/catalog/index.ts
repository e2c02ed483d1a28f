/** Getting DeepResonance: the catalogue, the Get job, pack verification (README.md here). */
export { ModelCatalogService } from './service';
export { GetJob, type ConvertFn } from './job';
export { plan, vicunaDeltaWanted, readMarker, type Plan, type PlannedDownload, type Discovery } from './plan';
export { CKPT, ESTIMATED_BYTES, PRECISIONS, VARIANTS, MODEL_NAME, damagedPacks, installedPacks, layout, locateCkpt, llmFolderProblem, packBytesEstimate, type Variant } from './catalog';
export { PRECISION_FIGURES } from './figures';
