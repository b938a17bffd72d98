import { stat } from 'node:fs/promises';
import { cachedSnapshot, repoCacheDir } from './cached-snapshot.js';
import type { DownloadProgressCallback } from './download-progress.js';
import { downloadSnapshot } from './download-snapshot.js';
import { HubError, withOption } from './hub-error.js';
import { hubSettings, type HubSettingsInput } from './hub-settings.js';
import { checkRevision, parseHubId } from './parse-hub-id.js';
import type { HubRepoKind } from './repo-files.js';

/** How to resolve a Hub id: the settings (else the environment), what it is loaded as, progress. */
export interface ResolveModelDirOptions extends HubSettingsInput {
  /** What the directory is loaded as, which decides the files it needs (default 'model'). */
  kind?: HubRepoKind;
  /** Branch, tag or commit hash when the id has no `@revision` (default 'main'). */
  revision?: string;
  /** Download progress (nothing is reported when the cache already has the files). */
  onProgress?: DownloadProgressCallback;
  /** The fetch downloads go through (default the global fetch). */
  fetch?: typeof fetch;
  /** The option the value came from (`model_name_or_path`), named in errors as `--model_name_or_path`. */
  option?: string;
}

/**
 * A directory to load from: `idOrPath` itself when it exists (a local path wins, as in transformers)
 * or is not a Hub id (a path the loader will report missing); else, for a Hub id `org/name` or
 * `org/name@revision`, its snapshot in the Hugging Face cache (`<cache>/models--org--name/snapshots/<commit>`, the layout Python's
 * huggingface_hub reads and writes). A snapshot that lacks files the `kind` needs is completed from
 * the Hub (HF_ENDPOINT, HF_TOKEN) unless offline (HF_HUB_OFFLINE), when it is an error.
 *
 * ```ts
 * const dir = await resolveModelDir('Qwen/Qwen2.5-0.5B-Instruct', { onProgress: (p) => console.log(p.event) });
 * ```
 */
export async function resolveModelDir(
  idOrPath: string,
  options: ResolveModelDirOptions = {},
): Promise<string> {
  try {
    return await resolve(idOrPath, options);
  } catch (err) {
    throw err instanceof HubError ? withOption(err, options.option) : err;
  }
}

async function resolve(idOrPath: string, options: ResolveModelDirOptions): Promise<string> {
  const kind = options.kind ?? 'model';
  if (typeof idOrPath !== 'string' || idOrPath.trim() === '') {
    throw new HubError('empty', { id: JSON.stringify(idOrPath ?? ''), hint: expected(kind) });
  }
  // Anything but a Hub id is a local path, returned as given: an existing one wins over an id of the
  // same name (as in transformers), and the loader names what a missing one lacks.
  if ((await stat(idOrPath).catch(() => null)) !== null) return idOrPath;
  const hubId = parseHubId(idOrPath);
  if (hubId === null) return idOrPath;
  if (options.revision !== undefined) checkRevision(options.revision, idOrPath);
  if (hubId.revision !== undefined && options.revision !== undefined && hubId.revision !== options.revision) {
    throw new HubError(
      `the id names revision ${hubId.revision} but revision ${options.revision} was asked for`,
      {
        id: idOrPath,
        hint: 'give the revision once',
      },
    );
  }
  const revision = hubId.revision ?? options.revision ?? 'main';
  const settings = hubSettings(options);
  const repoDir = repoCacheDir(settings.cacheDir, hubId.repoId);
  const cached = await cachedSnapshot(repoDir, revision, kind);
  if (cached !== null && cached.missing.length === 0) return cached.dir;
  if (settings.offline) {
    const id = `${hubId.repoId}@${revision}`;
    const why = options.offline === undefined ? 'HF_HUB_OFFLINE is set' : 'offline was asked for';
    const hint =
      'Download it where there is a network (medgpt does when HF_HUB_OFFLINE is unset, as does ' +
      `\`huggingface-cli download ${hubId.repoId}\`), point HF_HUB_CACHE or HF_HOME at a cache that has it, ` +
      'or pass a local directory';
    throw cached === null
      ? new HubError(`not in the Hugging Face cache, and downloads are off (${why})`, {
          id,
          cacheDir: settings.cacheDir,
          hint,
        })
      : new HubError(
          `the cached snapshot ${cached.dir} lacks ${cached.missing.join(', ')} (needed to load a ${kind}), ` +
            `and downloads are off (${why})`,
          { id, cacheDir: settings.cacheDir, hint },
        );
  }
  return downloadSnapshot({
    repoId: hubId.repoId,
    revision,
    kind,
    repoDir,
    settings,
    fetch: options.fetch ?? globalThis.fetch,
    onProgress: options.onProgress,
  });
}

function expected(kind: HubRepoKind): string {
  return `expected a local ${kind} directory, or a Hugging Face Hub id org/name (optionally org/name@revision)`;
}
