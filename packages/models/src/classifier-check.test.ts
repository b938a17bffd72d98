// Classifiers saved by us, loaded by transformers' AutoModelForSequenceClassification: the dirs and
// inputs that scripts/write-classifier-checks.mjs wrote under src/fixtures/classifier-check/<case>/,
// and what tools/fixtures/check_classifier.py computed from them on the GPU machine.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from './io/load-model.js';
import { FIXTURES_DIR } from './test-fixtures.js';

const DIR = join(FIXTURES_DIR, 'classifier-check');
const MAKE =
  'python3 tools/fixtures/check_classifier.py packages/models/src/fixtures/classifier-check ' +
  '(on the GPU machine, from the repository root; see tools/fixtures/README.md)';
const cases = existsSync(DIR) ? readdirSync(DIR).filter((n) => existsSync(join(DIR, n, 'inputs.json'))) : [];
const read = <T>(name: string, file: string): T =>
  JSON.parse(readFileSync(join(DIR, name, `${file}.json`), 'utf8')) as T;

interface Batch {
  input_ids: number[][];
  attention_mask: number[][];
}
interface Inputs {
  source: string;
  num_labels: number;
  pad_token_id: number;
  right: Batch;
  left: Batch;
}
interface Scores {
  class_name: string;
  num_labels: number;
  pad_token_id: number;
  right: { scores: number[][] };
  left: { scores: number[][] };
}
interface Theirs extends Scores {
  missing_keys: string[];
  unexpected_keys: string[];
  mismatched_keys: string[];
  source_loading: { num_labels: number; missing_keys: string[]; unexpected_keys: string[] };
}

const maxDiff = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i]![j]!))));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sequence classifiers saved for transformers', () => {
  it('has the committed cases', () => {
    expect(cases.sort()).toEqual(['llama-two-labels', 'qwen2-reward']);
  });

  it.each(cases)('%s: the committed directory loads back with medgpt-scores.json', async (name) => {
    const inputs = read<Inputs>(name, 'inputs');
    const ours = read<Scores>(name, 'medgpt-scores');
    const model = await loadModel(join(DIR, name));
    expect([model.config.className, model.config.numLabels, model.config.padTokenId]).toEqual([
      ours.class_name,
      inputs.num_labels,
      inputs.pad_token_id,
    ]);
    for (const side of ['right', 'left'] as const) {
      const b = inputs[side];
      const got = tf.tidy(() => {
        const t = (x: number[][]) => tf.tensor2d(x, undefined, 'int32');
        return model.scores({ inputIds: t(b.input_ids), attentionMask: t(b.attention_mask) }).arraySync();
      });
      expect(maxDiff(got, ours[side].scores), side).toBeLessThan(1e-6);
    }
    model.dispose();
  });

  it.for(cases)(
    '%s: transformers loads it with no missing or unexpected keys and the same scores',
    (name, ctx) => {
      if (!existsSync(join(DIR, name, 'transformers-scores.json'))) {
        const note = `${name}/transformers-scores.json is missing; make it with ${MAKE}`;
        console.warn(`SKIPPED: ${note}`);
        ctx.skip(note);
      }
      const ours = read<Scores>(name, 'medgpt-scores');
      const theirs = read<Theirs>(name, 'transformers-scores');
      expect([theirs.missing_keys, theirs.unexpected_keys, theirs.mismatched_keys]).toEqual([[], [], []]);
      expect([theirs.class_name, theirs.num_labels, theirs.pad_token_id]).toEqual([
        ours.class_name,
        ours.num_labels,
        ours.pad_token_id,
      ]);
      // Both sides compute in float32 from the same stored weights.
      for (const side of ['right', 'left'] as const)
        expect(maxDiff(ours[side].scores, theirs[side].scores), side).toBeLessThan(1e-5);
      // transformers, loading the causal LM as a classifier, initialises the new score head (as we do)
      // and leaves out only the LM head.
      expect(theirs.source_loading.missing_keys).toEqual(['score.weight']);
      expect(theirs.source_loading.unexpected_keys.filter((k) => k !== 'lm_head.weight')).toEqual([]);
    },
  );
});
