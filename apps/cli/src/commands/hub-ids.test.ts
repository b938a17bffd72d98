import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { serveHubRepos, type LoopbackHub } from '@medgpt/hub';
import { createTinyModel, loadModel } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../cli-main.js';

// Hub ids on the command line, against a loopback Hub (HF_ENDPOINT): no test touches the network.
const PT_DATA = new URL('../../../../data/medicalgpt/pretrain/fever.txt', import.meta.url).pathname;
let root: string;
let tiny: string;
let hub: LoopbackHub;
let env: Record<string, string>;

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-cli-hub-'));
  tiny = join(root, 'tiny');
  await createTinyModel({ seed: 2, initializerRange: 0.5 }, tiny);
  const peft = new PeftModel(await loadModel(tiny));
  peft.addAdapter(
    'default',
    { target_modules: 'all', r: 2, lora_alpha: 4, init_lora_weights: false },
    { seed: 3 },
  );
  await peft.saveAdapter(join(root, 'adapter'));
  peft.dispose();
  peft.model.dispose();
  hub = await serveHubRepos([
    { id: 'medgpt/tiny', revisions: { main: tiny } },
    { id: 'medgpt/tiny-lora', revisions: { main: join(root, 'adapter') } },
  ]);
  env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(root, 'hf-cache') };
});
afterEach(() => void vi.unstubAllEnvs());
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

async function medgpt(argv: string[], processEnv: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: root,
    env: processEnv,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const predictArgs = (model: string, out: string) =>
  ['predict', '--backend', 'cpu', '--base_model', model, '--output_file', out, '--max_new_tokens', '4', '--temperature', '0']; // prettier-ignore

describe('medgpt with Hugging Face Hub ids', () => {
  it('predict --base_model org/name downloads it with progress and answers as the local copy does', async () => {
    const local = await medgpt(predictArgs(tiny, join(root, 'local.jsonl')), {});
    expect(local.code, local.stderr).toBe(0);
    const viaHub = await medgpt(predictArgs('medgpt/tiny', join(root, 'hub.jsonl')), env);
    expect(viaHub.code, viaHub.stderr).toBe(0);
    const commit = hub.commit('medgpt/tiny');
    expect(viaHub.stderr).toContain(
      `[medgpt] downloading medgpt/tiny@main (commit ${commit.slice(0, 7)}): 6 files, `,
    );
    expect(viaHub.stderr).toMatch(/\[medgpt\] {3}model\.safetensors: [\d.]+ kB \(3\/6\)/);
    expect(viaHub.stderr).toContain(
      `: ${join(env.HF_HUB_CACHE!, 'models--medgpt--tiny', 'snapshots', commit)}\n`,
    );
    expect(viaHub.stderr).toContain('[medgpt] model: medgpt/tiny (qwen2, 2 layers)');
    expect(await readFile(join(root, 'hub.jsonl'), 'utf8')).toBe(
      await readFile(join(root, 'local.jsonl'), 'utf8'),
    );

    // Then from the cache alone: offline, no download line, no request.
    const requests = hub.requests.length;
    const cached = await medgpt(predictArgs('medgpt/tiny', join(root, 'cached.jsonl')), {
      ...env,
      HF_HUB_OFFLINE: '1',
    });
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stderr).not.toContain('downloading');
    expect(hub.requests.length).toBe(requests);
  });

  it('merge takes the base and the adapter as Hub ids', async () => {
    const out = join(root, 'merged');
    const run = await medgpt(
      [
        'merge',
        '--backend',
        'cpu',
        '--base_model',
        'medgpt/tiny',
        '--lora_model',
        'medgpt/tiny-lora',
        '--output_dir',
        out,
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('[medgpt] downloading medgpt/tiny-lora@main');
    expect(run.stdout).toContain(`Done! merged model saved to ${out}`);
    expect(run.stdout).toContain(
      'copied from the tokenizer directory: tokenizer_config.json, tokenizer.json',
    );
  });

  it('pt --model_name_or_path org/name trains from the cache and records the id in the adapter', async () => {
    const out = join(root, 'pt-out');
    const hubEnv = { ...env, HF_HUB_CACHE: join(root, 'pt-cache') };
    // The run must use the command's HF_* variables; were it to read this process's, it stays offline.
    vi.stubEnv('HF_HUB_OFFLINE', '1');
    const run = await medgpt(
      ['pt', '--backend', 'cpu', '--model_name_or_path', 'medgpt/tiny', '--train_file_dir', PT_DATA, '--output_dir', out,
       '--block_size', '32', '--max_train_samples', '4', '--per_device_train_batch_size', '2', '--max_steps', '1'], // prettier-ignore
      hubEnv,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('[medgpt] downloading medgpt/tiny@main');
    const adapter = JSON.parse(await readFile(join(out, 'adapter_config.json'), 'utf8'));
    expect(adapter.base_model_name_or_path).toBe('medgpt/tiny');
  });

  it('offline, a model missing from the cache fails with the id, the cache and what to do (exit 1)', async () => {
    const run = await medgpt(predictArgs('medgpt/absent', join(root, 'x.jsonl')), {
      ...env,
      HF_HUB_OFFLINE: '1',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `medgpt predict: error: --base_model medgpt/absent@main: not in the Hugging Face cache, and downloads are off ` +
        `(HF_HUB_OFFLINE is set) (Hugging Face cache: ${env.HF_HUB_CACHE}). Download it where there is a network`,
    );
  });

  it('a repo the Hub hides (unknown, or private without HF_TOKEN) says to set HF_TOKEN', async () => {
    const run = await medgpt(predictArgs('medgpt/private', join(root, 'x.jsonl')), env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /--base_model medgpt\/private@main: the Hub refused the request \(401 Unauthorized/,
    );
    expect(run.stderr).toContain('set HF_TOKEN to a token with read access');
  });
});
