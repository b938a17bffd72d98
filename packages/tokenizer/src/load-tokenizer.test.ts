import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadTokenizer } from './load-tokenizer.js';
import { FAMILIES, familyDir, loadFamily, type Family } from './test-tokenizers.js';
import type { Tokenizer } from './tokenizer.js';
import { TokenizerError } from './tokenizer-error.js';

interface GoldenCase {
  text: string;
  ids: number[];
  ids_special: number[];
  decoded: string;
  decoded_skip: string;
}
interface GoldenFamily {
  dir: string;
  cases: GoldenCase[];
}

// Made by tools/fixtures/make_golden_fixtures.py with Python `tokenizers` (see tools/fixtures/README.md).
const GOLDEN_PATH = new URL('./fixtures/py-encodings.json', import.meta.url);
const golden = JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Record<Family, GoldenFamily>;

const tokenizers = {} as Record<Family, Tokenizer>;
let scratch: string;

beforeAll(async () => {
  for (const family of FAMILIES) tokenizers[family] = await loadFamily(family);
  scratch = await mkdtemp(join(tmpdir(), 'medgpt-tokenizer-'));
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe.each(FAMILIES)('%s matches Python tokenizers', (family) => {
  it('encodes every golden text to the same ids, with and without special tokens', () => {
    const tok = tokenizers[family];
    expect(golden[family].cases.length).toBeGreaterThan(10);
    for (const c of golden[family].cases) {
      expect(tok.encode(c.text, { addSpecialTokens: false }), c.text).toEqual(c.ids);
      expect(tok.encode(c.text), c.text).toEqual(c.ids_special);
    }
  });

  it('decodes the golden ids to the same text, keeping or skipping special tokens', () => {
    const tok = tokenizers[family];
    for (const c of golden[family].cases) {
      const opts = { cleanUpTokenizationSpaces: false };
      expect(tok.decode(c.ids_special, opts), c.text).toBe(c.decoded);
      expect(tok.decode(c.ids_special, { ...opts, skipSpecialTokens: true }), c.text).toBe(c.decoded_skip);
    }
  });
});

describe('special tokens as transformers resolves them', () => {
  it('reads roles and ids from tokenizer_config.json and exposes the chat template', () => {
    for (const family of FAMILIES) {
      const tok = tokenizers[family];
      const config = JSON.parse(readFileSync(join(familyDir(family), 'tokenizer_config.json'), 'utf8'));
      for (const role of ['bos', 'eos', 'unk', 'pad'] as const) {
        const content = config[`${role}_token`] ?? null;
        expect(tok.specialToken(role)?.content ?? null, `${family} ${role}`).toBe(content);
        if (content !== null) expect(tok.specialToken(role)?.id).toBe(tok.tokenToId(content));
      }
      expect(tok.chatTemplate).toBe(config.chat_template ?? null);
    }
  });

  it('counts added tokens in vocabSize, like len(tokenizer)', () => {
    const tok = tokenizers.qwen3;
    const lastAdded = Math.max(...tok.tokenizerJson.added_tokens.map((t) => t.id));
    expect(tok.vocabSize).toBe(lastAdded + 1);
    expect(tok.idToToken(lastAdded)).toBe(tok.tokenizerJson.added_tokens.at(-1)!.content);
    expect(tok.isSpecialId(tok.eosTokenId!)).toBe(true);
    expect(tok.isSpecialId(tok.encode('Hello', { addSpecialTokens: false })[0]!)).toBe(false);
  });

  it('lets special_tokens_map.json override tokenizer_config.json, and reads chat_template.jinja', async () => {
    const dir = join(scratch, 'override');
    await mkdir(dir);
    const json = await readFile(join(familyDir('mistral'), 'tokenizer.json'));
    await writeFile(join(dir, 'tokenizer.json'), json);
    await writeFile(
      join(dir, 'tokenizer_config.json'),
      JSON.stringify({ eos_token: '</s>', pad_token: null }),
    );
    await writeFile(
      join(dir, 'special_tokens_map.json'),
      JSON.stringify({ pad_token: { content: '<unk>' } }),
    );
    await writeFile(join(dir, 'chat_template.jinja'), '{{ messages[0].content }}');
    const tok = await loadTokenizer(dir);
    expect(tok.chatTemplate).toBe('{{ messages[0].content }}');
    expect(tok.padToken).toBe('<unk>');
    expect(tok.padTokenId).toBe(tok.tokenToId('<unk>'));
    expect(tok.eosToken).toBe('</s>');
  });
});

describe('save', () => {
  it('writes a directory that loads back with the same ids, roles and chat template', async () => {
    const dir = join(scratch, 'saved-qwen3');
    const tok = tokenizers.qwen3.withSpecialTokens({ bos: '<|im_end|>' });
    await tok.save(dir);
    const back = await loadTokenizer(dir);
    const text = golden.qwen3.cases.map((c) => c.text).join('\n');
    expect(back.encode(text)).toEqual(tokenizers.qwen3.encode(text));
    expect(back.specialTokens).toEqual(tok.specialTokens);
    expect(back.chatTemplate).toBe(tokenizers.qwen3.chatTemplate);
    const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(Object.keys(config.added_tokens_decoder)).toHaveLength(tok.tokenizerJson.added_tokens.length);
    const map = JSON.parse(await readFile(join(dir, 'special_tokens_map.json'), 'utf8'));
    expect(map).toMatchObject({
      bos_token: '<|im_end|>',
      eos_token: '<|im_end|>',
      pad_token: '<|endoftext|>',
    });
    expect(existsSync(join(dir, 'tokenizer.json'))).toBe(true);
  });
});

describe('errors name the file, the field and the expected form', () => {
  async function dirWith(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(scratch, name);
    await mkdir(dir);
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return dir;
  }

  it('a missing directory', async () => {
    await expect(loadTokenizer(join(scratch, 'nope'))).rejects.toThrow(
      /nope: does not exist; expected a tokenizer directory/,
    );
  });

  it('a directory with only slow-tokenizer files', async () => {
    const dir = await dirWith('slow', { 'tokenizer.model': 'x' });
    const err = await loadTokenizer(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenizerError);
    expect((err as TokenizerError).file).toBe(join(dir, 'tokenizer.json'));
    expect((err as Error).message).toMatch(/file not found.*save_pretrained/);
  });

  it('malformed JSON', async () => {
    const dir = await dirWith('badjson', { 'tokenizer.json': '{"model": ' });
    await expect(loadTokenizer(dir)).rejects.toThrow(/tokenizer\.json: is not valid JSON/);
  });

  it('a BPE vocabulary that is not an object of ids', async () => {
    const json = { added_tokens: [], model: { type: 'BPE', vocab: { a: 'zero' }, merges: [] } };
    const dir = await dirWith('badvocab', { 'tokenizer.json': JSON.stringify(json) });
    await expect(loadTokenizer(dir)).rejects.toThrow(
      /tokenizer\.json: model\.vocab\["a"\]: is string "zero"; expected a non-negative integer id/,
    );
  });

  it('a merge that is not a pair', async () => {
    const json = { added_tokens: [], model: { type: 'BPE', vocab: { a: 0 }, merges: [['a']] } };
    const dir = await dirWith('badmerge', { 'tokenizer.json': JSON.stringify(json) });
    await expect(loadTokenizer(dir)).rejects.toThrow(
      /model\.merges\[0\]: is an array; expected "left right"/,
    );
  });

  it('a special token that is not in the vocabulary', async () => {
    const json = { added_tokens: [], model: { type: 'BPE', vocab: { a: 0 }, merges: [] } };
    const dir = await dirWith('badeos', {
      'tokenizer.json': JSON.stringify(json),
      'tokenizer_config.json': JSON.stringify({ eos_token: '</s>' }),
    });
    await expect(loadTokenizer(dir)).rejects.toThrow(
      /tokenizer_config\.json: eos_token: "<\/s>" is not in the vocabulary of tokenizer\.json/,
    );
  });

  it('added-token ids that tokenizers (Rust) would renumber', async () => {
    // Rust gives an added token missing from model.vocab the next id after the model's 2 tokens: 2, not 5.
    const json = {
      added_tokens: [{ id: 5, content: '<eos>', special: true }],
      model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [] },
    };
    const dir = await dirWith('renumbered', { 'tokenizer.json': JSON.stringify(json) });
    await expect(loadTokenizer(dir)).rejects.toThrow(
      /added_tokens\[0\]\.id: id 5 of "<eos>" is not the id tokenizers gives it \(2\).*Put "<eos>" into model\.vocab with id 5/,
    );
  });

  it('decoding an id outside the vocabulary', () => {
    const tok = tokenizers.mistral;
    expect(() => tok.decode([1, tok.vocabSize])).toThrow(
      /token id 32000 at position 1 is not in the vocabulary/,
    );
  });
});
