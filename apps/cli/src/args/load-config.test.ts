import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';
import { UsageError } from './usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'medgpt-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadConfig', () => {
  it('reads the same options from JSON and YAML', async () => {
    const json = await loadConfig(
      file(
        'a.json',
        '{"train_file_dir": "data/sft", "learning_rate": 2e-5, "use_peft": true, "target_modules": ["q_proj", "v_proj"]}',
      ),
    );
    const yaml = await loadConfig(
      file(
        'a.yaml',
        'train_file_dir: data/sft\nlearning_rate: 2.0e-5\nuse_peft: true\ntarget_modules:\n  - q_proj\n  - v_proj\n',
      ),
    );
    expect(yaml).toEqual(json);
    expect(await loadConfig(file('b.yml', 'max_steps: 10\n'))).toEqual({ max_steps: 10 });
  });

  it('names the file and the format when the text does not parse or is not a mapping', async () => {
    await expect(loadConfig(file('bad.yaml', 'a: [1, 2\n'))).rejects.toThrow(/bad\.yaml is not valid YAML/);
    await expect(loadConfig(file('list.yaml', '- a\n- b\n'))).rejects.toThrow(/must hold a YAML object/);
    await expect(loadConfig(file('bad.json', '{"a": '))).rejects.toThrow(/bad\.json is not valid JSON/);
    await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toBeInstanceOf(UsageError);
  });
});
