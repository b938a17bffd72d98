import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands/registry.js';
import {
  REGENERATE_TRAINING_PARAMS,
  TRAINING_PARAMS_PATH,
  trainingParamsDoc,
} from './training-params-doc.js';

const file = fileURLToPath(new URL(`../../../../${TRAINING_PARAMS_PATH}`, import.meta.url));

/** The page as it should be: the generator's markdown laid out by the repository's prettier config. */
async function expectedPage(): Promise<string> {
  const config = (await resolveConfig(file)) ?? {};
  return format(trainingParamsDoc(), { ...config, filepath: file });
}

describe(TRAINING_PARAMS_PATH, () => {
  it('matches the commands’ option definitions', async () => {
    const expected = await expectedPage();
    // `npm run docs -w @medgpt/cli` runs this test with MEDGPT_WRITE_DOCS=1: it writes the page.
    if (process.env.MEDGPT_WRITE_DOCS === '1') writeFileSync(file, expected);
    const actual = readFileSync(file, 'utf8');
    if (actual !== expected)
      expect.fail(
        `${TRAINING_PARAMS_PATH} is stale (an option changed): regenerate it with \`${REGENERATE_TRAINING_PARAMS}\``,
      );
  });

  it('lists every option of every command, in a section per command', () => {
    const doc = trainingParamsDoc();
    for (const command of COMMANDS) {
      const section = doc.split(`\n## medgpt ${command.name}\n`)[1]?.split('\n## ')[0] ?? '';
      expect(section, command.name).not.toBe('');
      for (const name of Object.keys(command.options)) expect(section, name).toMatch(`\`--${name}`);
    }
  });

  it('groups a training command’s options as its --help orders them', () => {
    const sft = trainingParamsDoc().split('\n## medgpt sft\n')[1]!.split('\n## ')[0]!;
    const headings = [...sft.matchAll(/^### sft: (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Model',
      'LoRA',
      'Data and method',
      'Training',
      'Backend',
      'Accepted, no effect',
    ]);
    expect(sft).toContain('| `--model_name_or_path DIR` | string | required |');
    expect(sft).toContain('| `--output_dir DIR` | string | `outputs-sft` |');
    expect(sft).toMatch(/\| `--torch_dtype` \| string \| `float16` \| .*; one of `auto`, `bfloat16`/);
  });
});
