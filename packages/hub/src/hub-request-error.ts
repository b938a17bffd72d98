import { HubError } from './hub-error.js';

/** What a failed Hub request concerned. */
export interface HubRequestContext {
  /** `org/name@revision` as asked for. */
  readonly id: string;
  readonly cacheDir: string;
  readonly endpoint: string;
  /** Whether an access token was sent. */
  readonly withToken: boolean;
}

/** A HubError for an HTTP error answer, saying what the status means on the Hub and what to do. */
export function hubStatusError(
  status: number,
  url: string,
  context: HubRequestContext,
  serverMessage?: string,
): HubError {
  const said = serverMessage ? `: ${serverMessage}` : '';
  const details = { id: context.id, cacheDir: context.cacheDir, status, url };
  switch (status) {
    case 401:
      return new HubError(`the Hub refused the request (401 Unauthorized${said}) for ${url}`, {
        ...details,
        hint: context.withToken
          ? 'The token in HF_TOKEN was refused: check that it is valid and has read access to this repo'
          : 'Either no repo has this id (check it; no local directory has this name either) or it is ' +
            'private or gated: set HF_TOKEN to a token with read access (https://huggingface.co/settings/tokens)',
      });
    case 403:
      return new HubError(`access forbidden (403${said}) for ${url}`, {
        ...details,
        hint: "The repo is gated: accept its terms on the model's Hub page, with the account of the token in HF_TOKEN",
      });
    case 404:
      return new HubError(`not found on the Hub (404${said}) at ${url}`, {
        ...details,
        hint: 'Check the repo id and revision (expected org/name or org/name@revision); no local directory has this name either',
      });
    default:
      return new HubError(`the Hub answered HTTP ${status}${said} for ${url}`, {
        ...details,
        hint: status >= 500 ? 'The Hub may be down; try again later' : undefined,
      });
  }
}

/** A HubError for a request that got no answer (no network, wrong HF_ENDPOINT, connection cut). */
export function hubUnreachableError(err: unknown, context: HubRequestContext): HubError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new HubError(
    `could not reach the Hub at ${context.endpoint} (${why}) and the model is not complete in the cache`,
    {
      id: context.id,
      cacheDir: context.cacheDir,
      hint:
        'Check the network and HF_ENDPOINT; without a network, download it elsewhere into this cache, ' +
        'or pass a local model directory',
    },
    { cause: err },
  );
}
