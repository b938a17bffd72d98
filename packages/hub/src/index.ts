// @medgpt/hub: Hugging Face Hub ids for medgpt, resolved from the local Hugging Face cache (the layout
// Python's huggingface_hub reads and writes) or downloaded into it.

// Resolving an id or a path to a directory
export { resolveModelDir, type ResolveModelDirOptions } from './resolve-model-dir.js';
export { HUB_REPO_KINDS, TOKENIZER_FILES, wantedRepoFiles, type HubRepoKind } from './repo-files.js';
export type { DownloadProgress, DownloadProgressCallback } from './download-progress.js';
export { HubError, type HubErrorDetails } from './hub-error.js';

// Ids, settings and the cache layout
export { isRepoId, parseHubId, type HubId } from './parse-hub-id.js';
export {
  DEFAULT_HUB_ENDPOINT,
  hubSettings,
  type HubEnv,
  type HubSettings,
  type HubSettingsInput,
} from './hub-settings.js';
export { cachedSnapshot, repoCacheDir, type CachedSnapshot } from './cached-snapshot.js';

// A loopback Hub for tests and offline demos
export {
  serveHubRepos,
  type HubFiles,
  type HubRepoSpec,
  type HubRequest,
  type LoopbackHub,
} from './serve-hub-repos.js';
