export { loraLinear, loraLinearReference, type LoraLinearOptions } from '@medgpt/core-tensor';
