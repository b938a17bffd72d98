import { access, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { readJsonFile } from './read-json-file.js';
import { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';
import type { SpecialTokensMap, TokenizerConfig, TokenizerJson } from './tokenizer-json.js';

/**
 * Loads a local Hugging Face tokenizer directory: tokenizer.json (required), tokenizer_config.json,
 * special_tokens_map.json and chat_template.jinja (each optional), as transformers'
 * `AutoTokenizer.from_pretrained(dir)` reads them for a fast tokenizer.
 */
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  await expectDirectory(dir);
  const jsonPath = join(dir, 'tokenizer.json');
  const rawJson = await readJsonFile(jsonPath, true);
  if (rawJson === undefined) throw await missingTokenizerJson(dir, jsonPath);
  const rawConfig = (await readJsonFile(join(dir, 'tokenizer_config.json'), true)) ?? {};
  const mapPath = join(dir, 'special_tokens_map.json');
  const rawMap = await readJsonFile(mapPath, true);
  // fromFiles validates the three, naming `${dir}/tokenizer.json`, `tokenizer_config.json` and
  // `special_tokens_map.json`.
  return Tokenizer.fromFiles({
    tokenizerJson: rawJson as TokenizerJson,
    tokenizerConfig: rawConfig as TokenizerConfig,
    specialTokensMap: (rawMap as SpecialTokensMap | undefined) ?? null,
    chatTemplate: await readOptionalText(join(dir, 'chat_template.jinja')),
    source: dir,
  });
}

async function expectDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new TokenizerError(info === null ? 'does not exist' : 'is not a directory', {
      file: dir,
      expected: 'a tokenizer directory with tokenizer.json (and tokenizer_config.json)',
    });
  }
}

async function missingTokenizerJson(dir: string, jsonPath: string): Promise<TokenizerError> {
  const has = async (name: string) =>
    access(join(dir, name)).then(
      () => true,
      () => false,
    );
  const slowOnly = (await has('tokenizer.model')) || (await has('vocab.json'));
  return new TokenizerError('file not found', {
    file: jsonPath,
    expected: 'a fast-tokenizer file written by `tokenizers` or transformers',
    hint: slowOnly
      ? 'This directory has only slow-tokenizer files; convert them once in Python: ' +
        'AutoTokenizer.from_pretrained(dir).save_pretrained(dir)'
      : undefined,
  });
}

async function readOptionalText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TokenizerError(`cannot read the file (${(e as Error).message})`, { file: path }, { cause: e });
  }
}
