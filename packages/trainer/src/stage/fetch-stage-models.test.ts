import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { serveHubRepos, type DownloadProgress, type LoopbackHub } from '@medgpt/hub';
import { createTinyModel, loadModel } from '@medgpt/models';
import { PeftModel } from '@medgpt/peft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchStageModels } from './fetch-stage-models.js';
import { loadStageModel } from './load-stage-model.js';
import { loraWeights } from './lora-weights.js';
import { LORA_OPTION_DEFAULTS, MODEL_OPTION_DEFAULTS } from './model-options.js';

let root: string;
let hub: LoopbackHub;
let env: Record<string, string>;
const noNetwork: typeof fetch = () => Promise.reject(new Error('this test has no network'));

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-stage-hub-'));
  const tiny = join(root, 'tiny');
  await createTinyModel({ seed: 1 }, tiny);
  const peft = new PeftModel(await loadModel(tiny));
  peft.addAdapter('default', { target_modules: 'all', r: 2, lora_alpha: 4 }, { seed: 1 });
  await peft.saveAdapter(join(root, 'adapter'));
  peft.dispose();
  peft.model.dispose();
  hub = await serveHubRepos([
    { id: 'medgpt/tiny', revisions: { main: tiny } },
    { id: 'medgpt/tiny-lora', revisions: { main: join(root, 'adapter') } },
  ]);
  env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: join(root, 'cache') };
});
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

describe('Hub ids in a stage config', () => {
  it('fetchStageModels downloads them with progress; the stage then loads them from the cache alone', async () => {
    const events: DownloadProgress[] = [];
    const config = {
      model_name_or_path: 'medgpt/tiny',
      peft_path: 'medgpt/tiny-lora',
      train_file_dir: 'data',
    };
    const dirs = await fetchStageModels(config, { env, onProgress: (p) => events.push(p) });
    const snapshot = (repo: string) =>
      join(env.HF_HUB_CACHE!, `models--medgpt--${repo}`, 'snapshots', hub.commit(`medgpt/${repo}`));
    expect(dirs).toEqual({ model_name_or_path: snapshot('tiny'), peft_path: snapshot('tiny-lora') });
    expect(events.filter((e) => e.event === 'done').map((e) => e.repoId)).toEqual([
      'medgpt/tiny',
      'medgpt/tiny-lora',
    ]);

    const offline = { env, fetch: noNetwork };
    const { model, tokenizer } = await loadStageModel(
      { ...MODEL_OPTION_DEFAULTS, model_name_or_path: 'medgpt/tiny' },
      {},
      offline,
    );
    try {
      expect(model.config.numHiddenLayers).toBe(2);
      expect(tokenizer.vocabSize).toBe(model.config.vocabSize);
      const options = {
        ...LORA_OPTION_DEFAULTS,
        peft_path: 'medgpt/tiny-lora',
        model_name_or_path: 'medgpt/tiny',
      };
      const weights = await loraWeights(model, options, 1, 'CAUSAL_LM', offline);
      expect(weights.peft.adapter('default').config.r).toBe(2);
      expect(weights.parameters.length).toBeGreaterThan(0);
      weights.dispose();
    } finally {
      model.dispose();
    }
  });

  it("an RL stage's reward model and teacher are fetched too, under their option names", async () => {
    const dirs = await fetchStageModels(
      {
        model_name_or_path: 'medgpt/tiny',
        reward_model_path: 'medgpt/tiny',
        teacher_model_name_or_path: 'medgpt/tiny',
      },
      { env },
    );
    const snapshot = join(env.HF_HUB_CACHE!, 'models--medgpt--tiny', 'snapshots', hub.commit('medgpt/tiny'));
    expect(dirs).toEqual({
      model_name_or_path: snapshot,
      reward_model_path: snapshot,
      teacher_model_name_or_path: snapshot,
    });
  });

  it('names the option when an id cannot be resolved', async () => {
    await expect(
      loadStageModel(
        { ...MODEL_OPTION_DEFAULTS, model_name_or_path: 'medgpt/absent' },
        {},
        { env: { ...env, HF_HUB_OFFLINE: '1' } },
      ),
    ).rejects.toThrow(
      '--model_name_or_path medgpt/absent@main: not in the Hugging Face cache, and downloads are off',
    );
    await expect(
      fetchStageModels(
        { model_name_or_path: 'medgpt/tiny', tokenizer_name_or_path: 'medgpt/absent' },
        { env },
      ),
    ).rejects.toThrow(/^--tokenizer_name_or_path medgpt\/absent@main: the Hub refused the request \(401/);
  });
});
