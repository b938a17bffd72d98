import { jsonPreview } from '@medgpt/json-preview';

// A config value as JSON.parse returned it, shown in an error message without flooding the terminal.
const ropeScaling = { type: 'yarn', factor: 4, original_max_position_embeddings: 32768, extra: [1, 2, 3] };
console.log(`rope_scaling is ${jsonPreview(ropeScaling, 40)}; expected an object with rope_type`);

// 5000 nested arrays: JSON.parse reads them, JSON.stringify would overflow the stack.
const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000)) as unknown;
console.log(jsonPreview(deep));
