#!/usr/bin/env node
// Writes sequence classifiers (reward models) made by @medgpt/models for transformers'
// AutoModelForSequenceClassification to load (tools/fixtures/check_classifier.py).
//
//   npx nx build models && node packages/models/scripts/write-classifier-checks.mjs [OUT_DIR]
//
// OUT_DIR defaults to packages/models/src/fixtures/classifier-check, which is committed (about 70 KB).
// For each case below it loads a golden causal-LM fixture (src/fixtures/<source>) as a classifier
// (`loadModel(dir, { numLabels, scoreSeed })`: body kept, lm_head ignored, score head drawn), sets the
// pad token id, saves it with saveModel and writes OUT_DIR/<case>/:
//   config.json, model.safetensors   what saveModel wrote (no lm_head, score.weight)
//   inputs.json        {source, num_labels, pad_token_id, right: {input_ids, attention_mask}, left: {...}}
//   medgpt-scores.json {class_name, num_labels, pad_token_id, right: {pooled, scores}, left: {pooled, scores}}
//                      scores [B][num_labels] from the saved directory reloaded; pooled = lastNonPadIndex
// Uses the BUILT packages, as a user would.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { lastNonPadIndex, loadModel, saveModel } from '@medgpt/models';

const FIXTURES = fileURLToPath(new URL('../src/fixtures/', import.meta.url));
const out = process.argv[2] ?? join(FIXTURES, 'classifier-check');

// Sequences of the fixtures' 64-token vocabulary; the first ends with a real eos (id 2, attention mask
// 1), which transformers' rule passes over when pad == eos. Padded to one length on either side with the
// case's pad id, with the attention mask a collator gives (0 exactly at the padding).
const EOS = 2;
const SEQUENCES = [
  [10, 11, 12, 13, EOS],
  [20, 21, 22, 23, 24, 25, 26],
  [30, 31, 32],
];

function padded(pad, side) {
  const t = Math.max(...SEQUENCES.map((s) => s.length));
  const fill = (s, x, real) => {
    const padding = Array(t - s.length).fill(x);
    return side === 'right' ? [...real, ...padding] : [...padding, ...real];
  };
  return {
    input_ids: SEQUENCES.map((s) => fill(s, pad, s)),
    attention_mask: SEQUENCES.map((s) =>
      fill(
        s,
        0,
        s.map(() => 1),
      ),
    ),
  };
}

const CASES = [
  // Qwen2 with tied embeddings as a reward model, padded with its eos (pad == eos, as Qwen tokenizers).
  { name: 'qwen2-reward', source: 'qwen2', numLabels: 1, seed: 11, padTokenId: EOS },
  // Llama with an untied lm_head (ignored on load) and two labels, padded with id 0 (config.json's).
  { name: 'llama-two-labels', source: 'llama', numLabels: 2, seed: 12, padTokenId: 0 },
];

const writeJson = (path, value) => writeFile(path, `${JSON.stringify(value)}\n`);

function scoresOf(model, b) {
  const scores = tf.tidy(() => {
    const t = (x) => tf.tensor2d(x, undefined, 'int32');
    return model.scores({ inputIds: t(b.input_ids), attentionMask: t(b.attention_mask) }).arraySync();
  });
  return { pooled: lastNonPadIndex(b.input_ids, model.config.padTokenId), scores };
}

async function writeCase({ name, source, numLabels, seed, padTokenId }) {
  const dir = join(out, name);
  await mkdir(dir, { recursive: true });
  const model = await loadModel(join(FIXTURES, source), { numLabels, scoreSeed: seed });
  model.setPadTokenId(padTokenId);
  await saveModel(model, dir);
  model.dispose();
  const inputs = {
    source,
    num_labels: numLabels,
    pad_token_id: padTokenId,
    right: padded(padTokenId, 'right'),
    left: padded(padTokenId, 'left'),
  };
  const saved = await loadModel(dir);
  await writeJson(join(dir, 'inputs.json'), inputs);
  await writeJson(join(dir, 'medgpt-scores.json'), {
    class_name: saved.config.className,
    num_labels: saved.config.numLabels,
    pad_token_id: saved.config.padTokenId,
    right: scoresOf(saved, inputs.right),
    left: scoresOf(saved, inputs.left),
  });
  saved.dispose();
  console.log(`wrote ${dir}`);
}

await tf.setBackend('cpu');
for (const c of CASES) await writeCase(c);
