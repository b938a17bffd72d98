import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { main } from '../cli-main.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
let root: string;
let model: string;
let text: string;
beforeAll(async () => {
  await tf.setBackend('cpu'); // createTinyModel draws the weights
  root = await mkdtemp(join(tmpdir(), 'medgpt-quantize-cli-'));
  model = (
    await createTinyModel({ architecture: 'llama', seed: 3, maxPositionEmbeddings: 128 }, join(root, 'tiny'))
  ).dir;
  // The first 1,500 characters of MedicalGPT's English PT sample.
  const sample = await readFile(join(repo, 'data/medicalgpt/pretrain/en_article_tail500.txt'), 'utf8');
  text = join(root, 'sample.txt');
  await import('node:fs/promises').then((fs) => fs.writeFile(text, sample.slice(0, 1500)));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function medgpt(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd: root,
    env: { HF_HUB_OFFLINE: '1', HF_HUB_CACHE: join(root, 'hub'), MEDGPT_BACKEND: 'cpu' },
  };
  return { code: await main(argv, io), stdout, stderr };
}

describe('medgpt quantize', () => {
  it('writes an nf4 checkpoint and prints the sizes and the error per kind of weight', async () => {
    const out = join(root, 'nf4');
    const r = await medgpt(
      'quantize',
      '--model_name_or_path',
      model,
      '--output_dir',
      out,
      '--load_in_4bit',
      '--bnb_4bit_use_double_quant',
      '--bnb_4bit_compute_dtype',
      'bfloat16',
    );
    expect(r.stderr).toContain('[medgpt] 20/20 parameters');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Wrote ${out}: nf4 4-bit, double quant, compute bfloat16; 14 linear weights quantised, 6 tensors kept as they were\n`,
    );
    expect(r.stdout).toMatch(/size: \d+\.\d\d MB -> \d+\.\d\d MB \(\d+\.\d%\)\n/);
    expect(r.stdout).toMatch(
      / {2}self_attn\.q_proj +max \d\.\d{3}e-\d+ +mean \d\.\d{3}e-\d+ +\(2 weights\)\n/,
    );
    expect(r.stdout.match(/\(2 weights\)/g)).toHaveLength(7);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.quantization_config).toMatchObject({
      quant_method: 'bitsandbytes',
      load_in_4bit: true,
      bnb_4bit_quant_type: 'nf4',
      bnb_4bit_use_double_quant: true,
      bnb_4bit_compute_dtype: 'bfloat16',
    });
  });

  it("takes model_quant.py's flag names, and 8 bits", async () => {
    const out = join(root, 'int8');
    const r = await medgpt(
      'quantize',
      '--unquantized_model_path',
      model,
      '--quantized_model_output_path',
      out,
      '--load_in_8bit',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote ${out}: LLM.int8() 8-bit; 14 linear weights quantised`);
  });

  it('fails with a usage error on two bit widths, and names the directory it will not overwrite', async () => {
    const both = await medgpt(
      'quantize',
      '--model_name_or_path',
      model,
      '--output_dir',
      join(root, 'x'),
      '--load_in_4bit',
      '--load_in_8bit',
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--load_in_4bit and --load_in_8bit: give one of them');
    const missing = await medgpt('quantize', '--model_name_or_path', model);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--output_dir is required');
    const busy = await medgpt('quantize', '--model_name_or_path', model, '--output_dir', join(root, 'nf4'));
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`medgpt quantize: error: ${join(root, 'nf4')}: exists and is not empty`);
    expect((await readdir(root)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('medgpt eval --perplexity', () => {
  it('prints the perplexity of the original and of the quantised model', async () => {
    const a = await medgpt(
      'eval',
      '--perplexity',
      '--model_name_or_path',
      model,
      '--file_path',
      text,
      '--stride',
      '64',
    );
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      new RegExp(`^${text}: (\\d+) tokens, (\\d+) windows of 128 \\(stride 64\\), (\\d+) tokens scored\\n`),
    );
    expect(a.stdout).toContain(`model ${model} (not quantised)\n`);
    const b = await medgpt(
      'eval',
      '--perplexity',
      '--model_name_or_path',
      join(root, 'nf4'),
      '--file_path',
      text,
      '--stride',
      '64',
    );
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('(bitsandbytes nf4 + double quant)\n');
    const ppl = (s: string) => Number(/perplexity (\d+\.\d+)/.exec(s)![1]);
    expect(ppl(a.stdout)).toBeGreaterThan(1);
    expect(ppl(b.stdout)).not.toBe(ppl(a.stdout));
    // Each token is scored once: all but the first.
    const [, tokens, , scored] = /(\d+) tokens, (\d+) windows .*, (\d+) tokens scored/.exec(a.stdout)!;
    expect(Number(scored)).toBe(Number(tokens) - 1);
  });

  it('--choice_file scores multiple-choice questions: per-subject and overall accuracy, JSON output', async () => {
    const csv = join(root, 'anatomy_val.csv');
    writeFileSync(
      csv,
      'id,question,A,B,C,D,answer\n0,心脏有几个腔?,2,3,4,5,C\n1,"fever, first step?",rest,surgery,x-ray,ct,A\n',
    );
    const out = join(root, 'choices.json');
    const r = await medgpt(
      'eval',
      '--model_name_or_path',
      model,
      '--choice_file',
      csv,
      '--template_name',
      'none',
      '--output_file',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^anatomy +\d+\.\d % {2}\(\d\/2\)$/m);
    expect(r.stdout).toMatch(/^accuracy \d+\.\d\d % \(\d\/2, 0-shot, [\d.]+ questions\/s\)$/m);
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      total: number;
      predictions: { logprobs: number[] }[];
    };
    expect(json.total).toBe(2);
    expect(json.predictions[0]!.logprobs).toHaveLength(4);
  });

  it('needs --perplexity, and names a missing file', async () => {
    const none = await medgpt('eval', '--model_name_or_path', model, '--file_path', text);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'nothing to evaluate: give --perplexity --file_path FILE, or --choice_file FILE',
    );
    const missing = await medgpt(
      'eval',
      '--perplexity',
      '--model_name_or_path',
      model,
      '--file_path',
      join(root, 'no.txt'),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `medgpt eval: error: ${join(root, 'no.txt')}: cannot read the text file`,
    );
    const stride = await medgpt(
      'eval',
      '--perplexity',
      '--model_name_or_path',
      model,
      '--file_path',
      text,
      '--max_length',
      '16',
      '--stride',
      '32',
    );
    expect(stride.code).toBe(1);
    expect(stride.stderr).toContain('"stride": is 32; expected an integer from 1 to max_length (16)');
  });
});
