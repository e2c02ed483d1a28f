/** The model download engine: one entry point for the converter, the Models panel and `studio model`. README.md here. */
export { download, removePartial, freeBytes, retryAfterMs, DownloadError, type DownloadOptions, type DownloadProgress, type DownloadResult, type Expected, type DownloadErrorCode } from './download';
export { listRepoFiles, hubEndpoint, hubHeaders, hubRepoPage, refusalHint, resolveUrl, HubError, type HubFile, type RepoType, type ListOptions } from './hub';
export { DELTA_REPO, DELTA_FOLDERS, VICUNA_DELTA_REPO, IMAGEBIND_URL, imagebindUrl, deltaFiles, vicunaDeltaFiles, type SourceOptions } from './sources';
export { networkFailureText } from './network-words';
