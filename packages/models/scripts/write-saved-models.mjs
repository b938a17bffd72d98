#!/usr/bin/env node
// Writes models saved by @medgpt/models for transformers to load (tools/fixtures/check_saved_model.py).
//
//   npx nx run-many -t build && node packages/models/scripts/write-saved-models.mjs OUT_DIR
//
// For every golden fixture (src/fixtures/<name>) it loads the model with our loader and saves it with
// our writer to OUT_DIR/<name>; also llama as float32 in several shards (OUT_DIR/llama-sharded), qwen2
// stored as bf16 (OUT_DIR/qwen2-as-bf16), and a tiny model with its byte-level tokenizer per
// architecture (OUT_DIR/tiny-<arch>). Each folder gets inputs.json (the batch to run) and
// medgpt-logits.json (what we compute from the saved files: logits, greedy continuation, token ids).
// Uses the BUILT packages, as a user would.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel, generate, hostPositionIds, loadModel, saveModel } from '@medgpt/models';
import { loadTokenizer } from '@medgpt/tokenizer';

const out = process.argv[2];
if (!out) {
  console.error('usage: node packages/models/scripts/write-saved-models.mjs OUT_DIR');
  process.exit(2);
}
const FIXTURES = fileURLToPath(new URL('../src/fixtures/', import.meta.url));
const GOLDEN = [
  'llama',
  'llama3-rope',
  'qwen2',
  'qwen3',
  'mistral',
  'qwen2-bf16',
  'gemma2',
  'gemma3',
  'mixtral',
  'qwen3-moe',
];
const TINY = ['llama', 'qwen2', 'qwen3', 'mistral', 'gemma2', 'gemma3_text', 'mixtral', 'qwen3_moe'];
// Windows shorter than the texts, so the sliding layers slide.
const WINDOW = { mistral: 6, gemma2: 4, gemma3_text: 4 };
const TEXTS = ['Fever and cough.', '发热 🤒'];
const NEW_TOKENS = 8;

const readJson = async (path) => JSON.parse(await readFile(path, 'utf8'));
const writeJson = (path, value) => writeFile(path, `${JSON.stringify(value)}\n`);

/** Logits [B][T][V] and the greedy continuation of the batch, from the saved directory. */
async function describeSaved(dir, inputs, extra = {}) {
  const model = await loadModel(dir);
  const int2d = (rows) => tf.tensor2d(rows, undefined, 'int32');
  const flat = tf.tidy(() =>
    model
      .forward({
        inputIds: int2d(inputs.input_ids),
        attentionMask: int2d(inputs.attention_mask),
        positionIds: int2d(inputs.position_ids),
      })
      .dataSync(),
  );
  const [batch, t] = [inputs.input_ids.length, inputs.input_ids[0].length];
  const v = model.config.vocabSize;
  const logits = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: t }, (_, i) =>
      // 8 significant digits: far below the 1e-4 comparison, and a third of the JSON.
      Array.from(flat.subarray((b * t + i) * v, (b * t + i + 1) * v), (x) => Number(x.toPrecision(8))),
    ),
  );
  const greedy = await generate(
    model,
    { inputIds: inputs.input_ids, attentionMask: inputs.attention_mask },
    { maxNewTokens: NEW_TOKENS, doSample: false, eosTokenIds: [], padTokenId: inputs.pad_token_id },
  );
  await writeJson(join(dir, 'inputs.json'), inputs);
  await writeJson(join(dir, 'medgpt-logits.json'), {
    config_dtype: model.config.dtype,
    class_name: model.config.className,
    logits,
    greedy: greedy.tokenIds,
    ...extra,
  });
  model.dispose();
}

async function saveGolden(name, target, options = {}) {
  const model = await loadModel(join(FIXTURES, name));
  const dir = join(out, target);
  const result = await saveModel(model, dir, options);
  model.dispose();
  const e = await readJson(join(FIXTURES, name, 'expected.json'));
  const inputs = {
    input_ids: e.input_ids,
    attention_mask: e.attention_mask,
    position_ids: e.position_ids,
    pad_token_id: 0,
    max_new_tokens: NEW_TOKENS,
  };
  await describeSaved(dir, inputs, { files: result.files.map((f) => f.slice(dir.length + 1)) });
  console.log(`wrote ${dir} (${result.files.length} weight file(s))`);
}

async function saveTiny(architecture) {
  const dir = join(out, `tiny-${architecture}`);
  await createTinyModel(
    { architecture, seed: 5, initializerRange: 0.3, slidingWindow: WINDOW[architecture] ?? null },
    dir,
  );
  const tokenizer = await loadTokenizer(dir);
  const rows = TEXTS.map((text) => tokenizer.encode(text));
  const t = Math.max(...rows.map((r) => r.length));
  const pad = tokenizer.padTokenId;
  const mask = rows.map((r) => [...Array(t - r.length).fill(0), ...Array(r.length).fill(1)]);
  const inputs = {
    input_ids: rows.map((r) => [...Array(t - r.length).fill(pad), ...r]),
    attention_mask: mask,
    position_ids: mask.map((m) => Array.from(hostPositionIds(m))),
    pad_token_id: pad,
    max_new_tokens: NEW_TOKENS,
    texts: TEXTS,
  };
  await describeSaved(dir, inputs, {
    token_ids: rows,
    decoded: rows.map((r) => tokenizer.decode(r)),
  });
  console.log(`wrote ${dir}`);
}

await tf.setBackend('cpu');
await mkdir(out, { recursive: true });
for (const name of GOLDEN) await saveGolden(name, name);
await saveGolden('llama', 'llama-sharded', { dtype: 'float32', maxShardSize: 8000 });
await saveGolden('qwen2', 'qwen2-as-bf16', { dtype: 'bfloat16' });
for (const arch of TINY) await saveTiny(arch);
