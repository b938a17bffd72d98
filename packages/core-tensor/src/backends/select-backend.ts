import { tf } from '../tf.js';
import { getBackendProvider, listBackendProviders } from './backend-providers.js';

/** The environment variable read when no backend is passed explicitly. */
export const BACKEND_ENV_VAR = 'MEDGPT_BACKEND';

/** Backends we know of that need a package installed first, with what to do when it is missing. */
const KNOWN_WITHOUT_PROVIDER: Record<string, { priority: number; missing: string }> = {
  cuda: { priority: 400, missing: 'no provider registered (install @medgpt/backend-cuda and import it)' },
};

export interface SelectBackendOptions {
  /** An explicit choice, e.g. the CLI's `--backend` value. Empty, undefined or 'auto': not explicit. */
  backend?: string;
  /** Where MEDGPT_BACKEND is read from; process.env by default. */
  env?: Record<string, string | undefined>;
}

/** How the backend was chosen: by the caller's option, by MEDGPT_BACKEND, or automatically. */
export type BackendSource = 'explicit' | 'env' | 'auto';

export interface BackendReport {
  /** The tfjs backend now active. */
  backend: string;
  source: BackendSource;
  /** Why this backend, in words: "--backend option", "MEDGPT_BACKEND=cpu", "auto: first available of ...". */
  why: string;
  /** Candidates tried before it (auto only), each with the reason it was skipped. */
  skipped: { name: string; reason: string }[];
  /** What the chosen backend's provider says about itself (e.g. cuda: device and matmul precision). */
  detail?: string;
}

/** A requested backend that is unknown or cannot run here; never silently replaced by another. */
export class BackendSelectionError extends Error {
  constructor(
    message: string,
    readonly requested: string | undefined,
    readonly source: BackendSource,
  ) {
    super(message);
    this.name = 'BackendSelectionError';
  }
}

/**
 * Picks and activates the tfjs backend: `options.backend` if given, else MEDGPT_BACKEND, else the first
 * that loads of cuda > tensorflow > wasm > cpu (provider priority). A backend that was asked for by name
 * and cannot load is an error listing the alternatives, not a fallback.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  const env = options.env ?? process.env;
  const explicit = normalise(options.backend);
  const fromEnv = normalise(env[BACKEND_ENV_VAR]);
  if (explicit != null && explicit !== 'auto') return selectNamed(explicit, 'explicit', '--backend option');
  if (explicit == null && fromEnv != null && fromEnv !== 'auto') {
    return selectNamed(fromEnv, 'env', `${BACKEND_ENV_VAR}=${fromEnv}`);
  }
  return selectAuto();
}

async function selectNamed(name: string, source: BackendSource, why: string): Promise<BackendReport> {
  const known = knownBackendNames();
  if (!known.includes(name)) {
    throw new BackendSelectionError(
      `Unknown backend '${name}' (from ${why}). Expected one of: ${known.join(', ')}, or auto.`,
      name,
      source,
    );
  }
  const result = await tryBackend(name);
  if (!result.ok) {
    const others = known.filter((n) => n !== name).join(', ');
    throw new BackendSelectionError(
      `Backend '${name}' was requested (${why}) but cannot be used: ${result.reason}. ` +
        `Other backends: ${others}; or ask for 'auto' to take the first that works.`,
      name,
      source,
    );
  }
  return withDetail({ backend: name, source, why, skipped: [] }, result);
}

function withDetail(report: BackendReport, attempt: Attempt): BackendReport {
  return attempt.ok && attempt.detail !== undefined ? { ...report, detail: attempt.detail } : report;
}

async function selectAuto(): Promise<BackendReport> {
  const order = candidateOrder();
  const why = `auto: first available of ${order.join(' > ')}`;
  const skipped: BackendReport['skipped'] = [];
  for (const name of order) {
    const result = await tryBackend(name);
    if (result.ok) return withDetail({ backend: name, source: 'auto', why, skipped }, result);
    skipped.push({ name, reason: result.reason });
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new BackendSelectionError(`No backend could be initialised (${reasons}).`, undefined, 'auto');
}

/** Providers by priority, with known-but-absent ones (cuda) in their place so the report mentions them. */
function candidateOrder(): string[] {
  const entries = listBackendProviders().map((p) => ({ name: p.name, priority: p.priority }));
  for (const [name, { priority }] of Object.entries(KNOWN_WITHOUT_PROVIDER)) {
    if (!entries.some((e) => e.name === name)) entries.push({ name, priority });
  }
  return entries.sort((a, b) => b.priority - a.priority).map((e) => e.name);
}

/** Names `--backend` accepts: candidates, plus any backend other code registered with tfjs directly. */
function knownBackendNames(): string[] {
  const names = candidateOrder();
  for (const name of tf.engine().backendNames()) if (!names.includes(name)) names.push(name);
  return names;
}

type Attempt = { ok: true; detail?: string } | { ok: false; reason: string };

/** Loads `name` through its provider (if any) and makes it tfjs's active backend. */
async function tryBackend(name: string): Promise<Attempt> {
  const provider = getBackendProvider(name);
  let detail: string | undefined;
  if (provider != null) {
    try {
      const availability = await provider.load();
      if (!availability.ok) return availability;
      detail = availability.detail;
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }
  if (tf.findBackendFactory(name) == null) {
    const reason =
      provider != null
        ? `its provider registered no tfjs backend named '${name}'`
        : (KNOWN_WITHOUT_PROVIDER[name]?.missing ?? 'no provider registered');
    return { ok: false, reason };
  }
  // tfjs logs the cause itself (console.warn) when a backend's factory fails.
  const previous = tf.getBackend() as string | null;
  if (!(await tf.setBackend(name))) {
    // tfjs now points at the failed backend; put back what was active so tfjs stays usable.
    if (previous != null && previous !== name) await tf.setBackend(previous);
    return { ok: false, reason: `tfjs could not initialise it${name === 'wasm' ? WASM_HINT : ''}` };
  }
  await tf.ready();
  return detail !== undefined ? { ok: true, detail } : { ok: true };
}

const WASM_HINT =
  ' (if this code is bundled, register createWasmProvider({ wasmPaths }) pointing at' +
  ' @tensorflow/tfjs-backend-wasm/dist/)';

function normalise(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase();
  return v ? v : undefined;
}
