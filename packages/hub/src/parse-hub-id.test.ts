import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HubError } from './hub-error.js';
import { isRepoId, parseHubId } from './parse-hub-id.js';

const part = fc
  .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}[A-Za-z0-9_]$/)
  .filter((s) => !s.includes('--') && !s.includes('..'));
const revision = fc.stringMatching(
  /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}(\/[A-Za-z0-9_][A-Za-z0-9_-]{0,8}){0,2}$/,
);

describe('parseHubId', () => {
  it('reads org/name and org/name@revision', () => {
    expect(parseHubId('Qwen/Qwen2.5-0.5B-Instruct')).toEqual({
      repoId: 'Qwen/Qwen2.5-0.5B-Instruct',
      revision: undefined,
    });
    expect(parseHubId('meta-llama/Llama-3.2-1B@refs/pr/12')).toEqual({
      repoId: 'meta-llama/Llama-3.2-1B',
      revision: 'refs/pr/12',
    });
  });

  it('round-trips every well-formed id and revision', () => {
    fc.assert(
      fc.property(part, part, fc.option(revision, { nil: undefined }), (org, name, rev) => {
        const text = `${org}/${name}${rev === undefined ? '' : `@${rev}`}`;
        expect(parseHubId(text)).toEqual({ repoId: `${org}/${name}`, revision: rev });
      }),
    );
  });

  it('is null for paths and names that are not ids', () => {
    for (const text of [
      'gpt2',
      './org/name',
      '/abs/org',
      '../org/name',
      'a/b/c',
      'org/',
      '/name',
      'org/-x',
      'a--b/c',
      'org/x..y',
      'o rg/name',
      '~/models',
    ]) {
      expect(parseHubId(text), text).toBeNull();
    }
    expect(isRepoId(`a/${'x'.repeat(100)}`)).toBe(false);
  });

  it('refuses a revision that cannot name a ref', () => {
    for (const text of [
      'org/name@',
      'org/name@../main',
      'org/name@a//b',
      'org/name@has space',
      'org/name@/main',
    ]) {
      expect(() => parseHubId(text), text).toThrow(HubError);
    }
    expect(() => parseHubId('org/name@')).toThrow('org/name@: invalid revision ""');
  });
});
