// Encodes the tokenizers written by write-trained-fixtures.mjs with Hugging Face's Rust tokenizers
// through its Node binding (npm `tokenizers`, the same Rust crate as Python `tokenizers`), writing
// the JSON that encode_trained_fixtures.py writes (ids, ids_special). The binding is not a
// dependency of medgpt: install it in a scratch folder and pass its path.
//
//   (mkdir -p /tmp/rust && cd /tmp/rust && npm init -y >/dev/null && npm i -E tokenizers@0.23.2)
//   node packages/tokenizer/scripts/encode-trained-fixtures-rust.mjs /tmp/rust /tmp/trained \
//     packages/tokenizer/src/fixtures/rust-trained-encodings.json
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bindingDir, src, out] = process.argv.slice(2);
if (!out) {
  console.error(
    'usage: node encode-trained-fixtures-rust.mjs <folder with node_modules/tokenizers> <fixtures folder> <out.json>',
  );
  process.exit(2);
}
const binding = await import(pathToFileURL(join(bindingDir, 'node_modules/tokenizers/index.js')).href);
const { Tokenizer } = binding.default ?? binding;
const texts = JSON.parse(readFileSync(join(src, 'texts.json'), 'utf8'));
const result = {};
for (const name of readdirSync(src).sort()) {
  const file = join(src, name, 'tokenizer.json');
  if (!existsSync(file)) continue;
  const tokenizer = Tokenizer.fromFile(file);
  const encode = async (text, addSpecialTokens) => [
    ...(await tokenizer.encode(text, null, { addSpecialTokens })).getIds(),
  ];
  const ids = [];
  const idsSpecial = [];
  for (const text of texts) {
    ids.push(await encode(text, false));
    idsSpecial.push(await encode(text, true));
  }
  result[name] = { texts, ids, ids_special: idsSpecial };
}
writeFileSync(out, `${JSON.stringify(result)}\n`);
console.log(`${out}: ${Object.keys(result).join(', ')}`);
