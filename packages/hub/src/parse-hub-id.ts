import { HubError } from './hub-error.js';

/** A Hugging Face Hub model id with the revision written after it, if any. */
export interface HubId {
  /** `org/name`. */
  readonly repoId: string;
  /** A branch, tag or commit hash from `org/name@revision`; undefined when none was written. */
  readonly revision: string | undefined;
}

// huggingface_hub's validate_repo_id, with the namespace required: word characters, `-` and `.`,
// starting and ending with a word character on both sides of the slash.
const REPO_ID = /^\w(?:[\w.-]*\w)?\/\w(?:[\w.-]*\w)?$/;
const MAX_REPO_ID_LENGTH = 96;

/**
 * `org/name` or `org/name@revision` as a Hub id; null when `text` does not have that form (a local
 * path, a bare name). Throws a HubError for a well-formed id with an unusable revision.
 */
export function parseHubId(text: string): HubId | null {
  const at = text.indexOf('@');
  const repoId = at === -1 ? text : text.slice(0, at);
  if (!isRepoId(repoId)) return null;
  if (at === -1) return { repoId, revision: undefined };
  const revision = text.slice(at + 1);
  checkRevision(revision, text);
  return { repoId, revision };
}

/** Whether `text` is a Hub repo id `org/name` (no revision). */
export function isRepoId(text: string): boolean {
  return (
    REPO_ID.test(text) && text.length <= MAX_REPO_ID_LENGTH && !text.includes('--') && !text.includes('..')
  );
}

/** Throws unless `revision` is a branch, tag or commit hash that can name a file under refs/. */
export function checkRevision(revision: string, id: string): void {
  const segments = revision.split('/');
  const ok =
    revision !== '' &&
    !/[\s\\\0]/.test(revision) &&
    segments.every((s) => s !== '' && s !== '.' && s !== '..');
  if (!ok) {
    throw new HubError(`invalid revision ${JSON.stringify(revision)}`, {
      id,
      hint: 'expected org/name@revision with a branch, tag or commit hash, e.g. Qwen/Qwen2.5-0.5B-Instruct@main',
    });
  }
}
