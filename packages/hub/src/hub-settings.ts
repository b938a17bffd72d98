import { homedir } from 'node:os';
import { join } from 'node:path';

/** Environment variables, as `process.env` holds them. */
export type HubEnv = Readonly<Record<string, string | undefined>>;

/** What the caller may set instead of the environment. */
export interface HubSettingsInput {
  /** Environment to read HF_* variables from (default `process.env`). */
  env?: HubEnv;
  /** The cache directory (default HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub). */
  cacheDir?: string;
  /** The Hub's address (default HF_ENDPOINT, else https://huggingface.co). */
  endpoint?: string;
  /** Access token sent as `Authorization: Bearer` (default HF_TOKEN, else the token file `huggingface-cli login` writes). */
  token?: string;
  /** Use only the cache (default: HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE set to 1/true/yes/on). */
  offline?: boolean;
}

/** Where the cache is and how to reach the Hub, resolved as Python's huggingface_hub does. */
export interface HubSettings {
  readonly cacheDir: string;
  readonly endpoint: string;
  /** The token when one was given or set in the environment (the token file is read only to download). */
  readonly token: string | undefined;
  /** The file huggingface-cli login writes: HF_TOKEN_PATH, else HF_HOME/token. */
  readonly tokenPath: string;
  readonly offline: boolean;
}

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** huggingface_hub's constants.py: HF_HOME, HF_HUB_CACHE, HF_TOKEN_PATH, HF_ENDPOINT, HF_HUB_OFFLINE. */
export function hubSettings(input: HubSettingsInput = {}): HubSettings {
  const env = input.env ?? process.env;
  const get = (name: string) => (env[name] === '' ? undefined : env[name]);
  const hfHome = expandUser(
    get('HF_HOME') ?? join(get('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'huggingface'),
  );
  // HUGGINGFACE_HUB_CACHE is huggingface_hub's older name for HF_HUB_CACHE, still honoured there.
  const cacheDir =
    input.cacheDir ?? get('HF_HUB_CACHE') ?? get('HUGGINGFACE_HUB_CACHE') ?? join(hfHome, 'hub');
  return {
    cacheDir: expandUser(cacheDir),
    endpoint: (input.endpoint ?? get('HF_ENDPOINT') ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, ''),
    token: input.token ?? get('HF_TOKEN') ?? get('HUGGING_FACE_HUB_TOKEN'),
    tokenPath: expandUser(get('HF_TOKEN_PATH') ?? join(hfHome, 'token')),
    offline: input.offline ?? (isTrue(get('HF_HUB_OFFLINE')) || isTrue(get('TRANSFORMERS_OFFLINE'))),
  };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 'ON', 'YES', 'TRUE'].includes(value.toUpperCase());
}

function expandUser(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}
