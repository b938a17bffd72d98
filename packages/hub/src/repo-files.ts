/** What a directory is loaded as, which decides the files it must hold and the files downloaded. */
export const HUB_REPO_KINDS = ['model', 'tokenizer', 'adapter'] as const;
export type HubRepoKind = (typeof HUB_REPO_KINDS)[number];

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
export const TOKENIZER_FILE = 'tokenizer.json';
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

/** The tokenizer and chat-template files transformers reads (and `medgpt merge` copies). */
export const TOKENIZER_FILES = [
  TOKENIZER_FILE,
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
  'chat_template.jinja',
  'chat_template.json',
  'vocab.json',
  'merges.txt',
  'tokenizer.model',
] as const;

/**
 * The top-level files a `kind` load reads, besides the weight shards an index names. Only these are
 * downloaded: never *.bin / *.pth / *.gguf / onnx/ weights, nor READMEs, images or sub-folders.
 */
export function wantedRepoFiles(kind: HubRepoKind): readonly string[] {
  switch (kind) {
    case 'model':
      return [CONFIG_FILE, 'generation_config.json', WEIGHTS_INDEX_FILE, WEIGHTS_FILE, ...TOKENIZER_FILES];
    case 'tokenizer':
      return [...TOKENIZER_FILES, CONFIG_FILE];
    case 'adapter':
      return [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, ...TOKENIZER_FILES];
  }
}

/**
 * What `files` (a snapshot's or a repo's top-level names) lack for a `kind` load, in words; empty
 * when nothing is missing. A model needs config.json and safetensors weights (one file, or an index;
 * its shards are checked apart), a tokenizer tokenizer.json, an adapter both adapter files.
 */
export function missingRepoFiles(kind: HubRepoKind, files: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  const need = (name: string) => void (files.has(name) ? undefined : missing.push(name));
  switch (kind) {
    case 'model':
      need(CONFIG_FILE);
      if (!files.has(WEIGHTS_FILE) && !files.has(WEIGHTS_INDEX_FILE))
        missing.push(`${WEIGHTS_FILE} (or ${WEIGHTS_INDEX_FILE} and its shards)`);
      break;
    case 'tokenizer':
      need(TOKENIZER_FILE);
      break;
    case 'adapter':
      need(ADAPTER_CONFIG_FILE);
      need(ADAPTER_WEIGHTS_FILE);
      break;
  }
  return missing;
}

/** The shard file names of a model.safetensors.index.json, in order of first use. */
export function indexShards(indexJson: string, file: string): string[] {
  let map: unknown;
  try {
    map = (JSON.parse(indexJson) as { weight_map?: unknown }).weight_map;
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message})`, { cause: e });
  }
  const shards = typeof map === 'object' && map !== null ? Object.values(map) : [];
  if (shards.length === 0 || !shards.every((s) => typeof s === 'string' && /^[^/\\]+$/.test(s))) {
    throw new Error(`${file}: expected {"weight_map": {"tensor name": "shard file name", ...}}`);
  }
  return [...new Set(shards as string[])];
}
