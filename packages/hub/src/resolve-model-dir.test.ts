import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadProgress } from './download-progress.js';
import { HubError } from './hub-error.js';
import { resolveModelDir } from './resolve-model-dir.js';
import { serveHubRepos, type LoopbackHub } from './serve-hub-repos.js';

const WEIGHTS = randomBytes(300_000); // several chunks, so a transfer can be cut and resumed
const FILES = {
  'config.json': '{"model_type": "llama"}\n',
  'generation_config.json': '{"max_new_tokens": 8}\n',
  'tokenizer.json': '{"model": {"type": "BPE"}}\n',
  'tokenizer_config.json': '{"eos_token": "</s>"}\n',
  'model.safetensors': WEIGHTS,
  // Files medgpt never reads: not downloaded.
  'pytorch_model.bin': 'pickled weights',
  'README.md': '# tiny\n',
  'onnx/model.onnx': 'onnx',
};
const V1 = { ...FILES, 'config.json': '{"model_type": "llama", "v": 1}\n' };
const SHARDED = {
  'config.json': FILES['config.json'],
  'model.safetensors.index.json': JSON.stringify({
    metadata: {},
    weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
  }),
  'model-00001-of-00002.safetensors': randomBytes(1000),
  'model-00002-of-00002.safetensors': randomBytes(2000),
  'consolidated.safetensors': randomBytes(3000),
};

const sha256 = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: string | Uint8Array) =>
  createHash('sha1')
    .update(`blob ${Buffer.from(b).length}\0`)
    .update(b)
    .digest('hex');

let hub: LoopbackHub;
let root: string;
let cache: string;
let env: Record<string, string>;

beforeAll(async () => {
  hub = await serveHubRepos([
    { id: 'org/tiny', revisions: { main: FILES, v1: V1 } },
    { id: 'org/sharded', revisions: { main: SHARDED } },
    { id: 'org/bin-only', revisions: { main: { 'config.json': '{}', 'pytorch_model.bin': 'x' } } },
    { id: 'org/private', revisions: { main: FILES }, token: 'secret-token' },
  ]);
  root = await mkdtemp(join(tmpdir(), 'medgpt-hub-'));
});
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  cache = await mkdtemp(join(root, 'cache-'));
  env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cache };
  hub.requests.length = 0;
});

const noNetwork: typeof fetch = () => Promise.reject(new Error('this test has no network'));
const transfers = () => hub.requests.filter((r) => /\/resolve\/|\/lfs-cdn\//.test(r.url));

describe('resolveModelDir: download into the cache', () => {
  it("downloads what medgpt reads into huggingface_hub's layout, then finds it there without the network", async () => {
    const events: DownloadProgress[] = [];
    const dir = await resolveModelDir('org/tiny', { env, onProgress: (p) => events.push(p) });
    const commit = hub.commit('org/tiny');
    const repo = join(cache, 'models--org--tiny');
    expect(dir).toBe(join(repo, 'snapshots', commit));

    // refs/main holds the commit (no newline); each file is a relative symlink to blobs/<etag>.
    expect(await readFile(join(repo, 'refs', 'main'), 'utf8')).toBe(commit);
    const names = readdirSync(dir).sort();
    expect(names).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    for (const name of names) {
      const content = FILES[name as keyof typeof FILES];
      const etag = name.endsWith('.safetensors') ? sha256(content) : gitSha1(content);
      expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dir, name))).toBe(`../../blobs/${etag}`);
      expect(Buffer.compare(await readFile(join(dir, name)), Buffer.from(content))).toBe(0);
    }
    expect(readdirSync(join(repo, 'blobs')).some((n) => n.endsWith('.incomplete'))).toBe(false);
    expect(hub.requests.some((r) => /pytorch_model|README|onnx/.test(r.url))).toBe(false);

    // Progress: start, bytes, a file-done per file, done; totals add up.
    expect(events[0]).toMatchObject({
      event: 'start',
      files: 5,
      totalBytes: sizeOf(names),
      bytes: 0,
      cacheDir: cache,
    });
    expect(
      events
        .filter((e) => e.event === 'file-done')
        .map((e) => (e as { file: string }).file)
        .sort(),
    ).toEqual(names);
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      dir,
      filesDone: 5,
      bytes: sizeOf(names),
      received: sizeOf(names),
    });
    expect(
      events.some(
        (e) => e.event === 'bytes' && e.file === 'model.safetensors' && e.fileBytes < WEIGHTS.length,
      ),
    ).toBe(true);

    // Second call: the cache alone, even with no network at all.
    const again: DownloadProgress[] = [];
    expect(
      await resolveModelDir('org/tiny', { env, fetch: noNetwork, onProgress: (p) => again.push(p) }),
    ).toBe(dir);
    expect(again).toEqual([]);
  });

  it('resumes a partial .incomplete blob with a Range request', async () => {
    const blobs = join(cache, 'models--org--tiny', 'blobs');
    await mkdir(blobs, { recursive: true });
    const kept = 123_457;
    await writeFile(join(blobs, `${sha256(WEIGHTS)}.incomplete`), WEIGHTS.subarray(0, kept));
    const events: DownloadProgress[] = [];
    const dir = await resolveModelDir('org/tiny', { env, onProgress: (p) => events.push(p) });
    const weights = transfers().filter((r) => r.url.includes(sha256(WEIGHTS)));
    expect(weights.map((r) => r.range)).toEqual([`bytes=${kept}-`]);
    expect(Buffer.compare(await readFile(join(dir, 'model.safetensors')), WEIGHTS)).toBe(0);
    expect(existsSync(join(blobs, `${sha256(WEIGHTS)}.incomplete`))).toBe(false);
    expect(events[0]).toMatchObject({ event: 'start', bytes: kept });
    expect(events.at(-1)).toMatchObject({ event: 'done', received: sizeOf(readdirSync(dir)) - kept });
  });

  it('resumes a transfer cut mid-file in the same call', async () => {
    hub.cutNextTransfer('model.safetensors', 100_000);
    const dir = await resolveModelDir('org/tiny', { env });
    const weights = transfers().filter((r) => r.url.includes(sha256(WEIGHTS)));
    expect(weights.length).toBe(2);
    expect(weights[0]!.range).toBeUndefined();
    expect(weights[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(weights[1]!.range!)![0])).toBeGreaterThan(0);
    expect(Buffer.compare(await readFile(join(dir, 'model.safetensors')), WEIGHTS)).toBe(0);
  });

  it('drops a kept prefix whose bytes are wrong, and keeps no blob', async () => {
    const blobs = join(cache, 'models--org--tiny', 'blobs');
    await mkdir(blobs, { recursive: true });
    await writeFile(join(blobs, `${sha256(WEIGHTS)}.incomplete`), randomBytes(1000));
    await expect(resolveModelDir('org/tiny', { env })).rejects.toThrow(
      /does not match its etag .*run again/i,
    );
    expect(existsSync(join(blobs, `${sha256(WEIGHTS)}.incomplete`))).toBe(false);
    expect(existsSync(join(blobs, sha256(WEIGHTS)))).toBe(false);
    await resolveModelDir('org/tiny', { env }); // and the next run succeeds
  });

  it('downloads an index and its shards, and only them', async () => {
    const dir = await resolveModelDir('org/sharded', { env });
    expect(readdirSync(dir).sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
    ]);
    expect(transfers().some((r) => r.url.includes(sha256(SHARDED['consolidated.safetensors'])))).toBe(false);
  });

  it('downloads only the tokenizer files for a tokenizer', async () => {
    const dir = await resolveModelDir('org/tiny', { env, kind: 'tokenizer' });
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json']);
    // The model then completes the same snapshot.
    expect(await resolveModelDir('org/tiny', { env })).toBe(dir);
    expect(readdirSync(dir)).toContain('model.safetensors');
  });
});

describe('resolveModelDir: revisions', () => {
  it('resolves a tag through refs/<tag>, and a commit hash directly', async () => {
    const v1 = hub.commit('org/tiny', 'v1');
    const dir = await resolveModelDir('org/tiny@v1', { env });
    expect(dir).toBe(join(cache, 'models--org--tiny', 'snapshots', v1));
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(V1['config.json']);
    expect(await readFile(join(cache, 'models--org--tiny', 'refs', 'v1'), 'utf8')).toBe(v1);
    expect(existsSync(join(cache, 'models--org--tiny', 'refs', 'main'))).toBe(false);
    expect(await resolveModelDir('org/tiny', { env, revision: 'v1', fetch: noNetwork })).toBe(dir);

    const main = hub.commit('org/tiny');
    const byHash = await resolveModelDir(`org/tiny@${main}`, { env });
    expect(byHash).toBe(join(cache, 'models--org--tiny', 'snapshots', main));
    expect(readdirSync(join(cache, 'models--org--tiny', 'refs'))).toEqual(['v1']); // no ref for a hash
  });

  it('refuses two different revisions, and an unknown one names it', async () => {
    await expect(resolveModelDir('org/tiny@v1', { env, revision: 'main' })).rejects.toThrow(
      'org/tiny@v1: the id names revision v1 but revision main was asked for',
    );
    const err = await resolveModelDir('org/tiny@nope', { env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).status).toBe(404);
    expect((err as Error).message).toMatch(
      /^org\/tiny@nope: not found on the Hub \(404: Invalid rev id: nope\)/,
    );
    expect((err as Error).message).toContain('expected org/name or org/name@revision');
  });
});

describe('resolveModelDir: the cache alone', () => {
  it("reads a cache written in huggingface_hub's layout, with no network", async () => {
    const commit = 'a'.repeat(40);
    const repo = join(cache, 'models--Qwen--Qwen2.5-0.5B-Instruct');
    const files = { 'config.json': '{"model_type": "qwen2"}', 'model.safetensors': 'weights' };
    await mkdir(join(repo, 'blobs'), { recursive: true });
    await mkdir(join(repo, 'snapshots', commit), { recursive: true });
    await mkdir(join(repo, 'refs'));
    for (const [name, content] of Object.entries(files)) {
      const etag = name.endsWith('.safetensors') ? sha256(content) : gitSha1(content);
      await writeFile(join(repo, 'blobs', etag), content);
      await symlink(`../../blobs/${etag}`, join(repo, 'snapshots', commit, name));
    }
    await writeFile(join(repo, 'refs', 'main'), commit);
    const offline = { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:1' };
    const dir = await resolveModelDir('Qwen/Qwen2.5-0.5B-Instruct', { env: offline, fetch: noNetwork });
    expect(dir).toBe(join(repo, 'snapshots', commit));
    // Online too: a complete snapshot is used as it is.
    expect(
      await resolveModelDir('Qwen/Qwen2.5-0.5B-Instruct', { env: { HF_HUB_CACHE: cache }, fetch: noNetwork }),
    ).toBe(dir);
    // The same cache found through HF_HOME.
    const viaHome = await mkdtemp(join(root, 'home-'));
    await symlink(cache, join(viaHome, 'hub'));
    expect(
      await resolveModelDir('Qwen/Qwen2.5-0.5B-Instruct', { env: { HF_HOME: viaHome }, fetch: noNetwork }),
    ).toBe(join(viaHome, 'hub', 'models--Qwen--Qwen2.5-0.5B-Instruct', 'snapshots', commit));
  });

  it('offline, a missing model is an error naming the id, the cache and what to do', async () => {
    const err = (await resolveModelDir('org/tiny', { env: { ...env, HF_HUB_OFFLINE: '1' } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(HubError);
    expect(err.message).toBe(
      `org/tiny@main: not in the Hugging Face cache, and downloads are off (HF_HUB_OFFLINE is set) ` +
        `(Hugging Face cache: ${cache}). Download it where there is a network (medgpt does when HF_HUB_OFFLINE ` +
        'is unset, as does `huggingface-cli download org/tiny`), point HF_HUB_CACHE or HF_HOME at a cache ' +
        'that has it, or pass a local directory',
    );
    expect(hub.requests).toEqual([]);
  });

  it('offline, an incomplete snapshot names what it lacks; online it is completed', async () => {
    await resolveModelDir('org/tiny', { env, kind: 'tokenizer' });
    const err = (await resolveModelDir('org/tiny', { env, offline: true }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /^org\/tiny@main: the cached snapshot .* lacks model\.safetensors \(or model\.safetensors\.index\.json and its shards\) \(needed to load a model\), and downloads are off \(offline was asked for\)/,
    );
    const dir = await resolveModelDir('org/tiny', { env });
    expect(readdirSync(dir)).toContain('model.safetensors');
  });
});

describe('resolveModelDir: paths, ids and Hub errors', () => {
  it('prefers an existing local directory to a Hub id of the same name', async () => {
    const cwd = process.cwd();
    const here = await mkdtemp(join(root, 'cwd-'));
    await mkdir(join(here, 'org', 'tiny'), { recursive: true });
    process.chdir(here);
    try {
      expect(await resolveModelDir('org/tiny', { env, fetch: noNetwork })).toBe('org/tiny');
    } finally {
      process.chdir(cwd);
    }
    expect(await resolveModelDir(root, { env, fetch: noNetwork })).toBe(root);
  });

  it('leaves anything that is not a Hub id to the loader, and names a bad revision', async () => {
    const file = join(root, 'file.json');
    await writeFile(file, '{}');
    for (const path of ['outputs-sft', './org/tiny', join(root, 'missing', 'dir'), file]) {
      expect(await resolveModelDir(path, { env, fetch: noNetwork })).toBe(path);
    }
    await expect(resolveModelDir('', { env })).rejects.toThrow('"": empty');
    await expect(resolveModelDir('org/tiny@', { env })).rejects.toThrow(
      'org/tiny@: invalid revision "". expected org/name@revision with a branch, tag or commit hash',
    );
    expect(hub.requests).toEqual([]);
  });

  it('401 for a private repo without a token says to set HF_TOKEN; with it, the download works', async () => {
    const err = (await resolveModelDir('org/private', { env }).catch((e: unknown) => e)) as HubError;
    expect(err).toBeInstanceOf(HubError);
    expect(err.status).toBe(401);
    expect(err.message).toMatch(
      /^org\/private@main: the Hub refused the request \(401 Unauthorized: Repository not found\)/,
    );
    expect(err.message).toContain('set HF_TOKEN to a token with read access');

    const wrong = (await resolveModelDir('org/private', { env: { ...env, HF_TOKEN: 'nope' } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(wrong.message).toContain('The token in HF_TOKEN was refused');

    const dir = await resolveModelDir('org/private', { env: { ...env, HF_TOKEN: 'secret-token' } });
    expect(readdirSync(dir)).toContain('model.safetensors');
    const authorized = hub.requests
      .filter((r) => r.authorization === 'Bearer secret-token')
      .map((r) => r.url);
    expect(authorized.some((u) => u.startsWith('/api/models/org/private/revision/main'))).toBe(true);
    expect(authorized.some((u) => u.startsWith('/api/models/org/private/tree/'))).toBe(true);
    expect(authorized.some((u) => u.startsWith('/org/private/resolve/'))).toBe(true);
  });

  it('reads the token from the file huggingface-cli login writes', async () => {
    const home = await mkdtemp(join(root, 'hf-home-'));
    await writeFile(join(home, 'token'), 'secret-token\n');
    const dir = await resolveModelDir('org/private', { env: { ...env, HF_HOME: home } });
    expect(readdirSync(dir)).toContain('config.json');
  });

  it("an unknown repo is the Hub's 401; a repo without safetensors says what it has", async () => {
    await expect(resolveModelDir('org/missing', { env })).rejects.toThrow(
      /401 Unauthorized: Repository not found/,
    );
    await expect(resolveModelDir('org/bin-only', { env })).rejects.toThrow(
      /org\/bin-only at main \(commit [0-9a-f]{40}\) has no model\.safetensors .* this repo has pytorch_model\.bin/,
    );
    expect(transfers()).toEqual([]);
  });

  it('an unreachable Hub is an error that names it', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const endpoint = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));
    const err = (await resolveModelDir('org/tiny', {
      env: { HF_HUB_CACHE: cache, HF_ENDPOINT: endpoint },
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      `org/tiny@main: could not reach the Hub at ${endpoint} (ECONNREFUSED) and the model is not complete in the ` +
        `cache (Hugging Face cache: ${cache}). Check the network and HF_ENDPOINT; without a network, download it ` +
        'elsewhere into this cache, or pass a local model directory',
    );
  });
});

function sizeOf(names: string[]): number {
  return names.reduce((n, name) => n + Buffer.from(FILES[name as keyof typeof FILES]).length, 0);
}

describe('resolveModelDir: errors name the option', () => {
  it('puts --option before the id', async () => {
    const err = (await resolveModelDir('org/tiny@a//b', { env, option: 'lora_model', kind: 'adapter' }).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(err.message).toMatch(
      /^--lora_model org\/tiny@a\/\/b: invalid revision "a\/\/b"\. expected org\/name@revision/,
    );
    expect(err.option).toBe('lora_model');
    expect(err.problem).toBe('invalid revision "a//b"');
    const offline = (await resolveModelDir('org/absent', { env, offline: true, option: 'base_model' }).catch(
      (e: unknown) => e,
    )) as HubError;
    expect(offline.message).toMatch(/^--base_model org\/absent@main: not in the Hugging Face cache/);
  });
});
