import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createForcedReplyModel } from '@medgpt/serving';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../testing/run-command.js';
import { chatPdfCommand } from './chatpdf.js';

const CORPUS = new URL('../../../../data/medicalgpt/rag/medical_corpus.txt', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'medgpt-chatpdf-'));
const model = join(dir, 'model');

describe('medgpt chatpdf', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await createForcedReplyModel(model, { after: '\n', reply: 'cf [1]' });
  });

  it('answers from medical_corpus.txt and lists the passage it cites; the index is saved and reloaded', async () => {
    const question = (JSON.parse(readFileSync(CORPUS, 'utf8').split('\n')[0]!) as { 问: string }).问;
    const index = join(dir, 'corpus.bm25.json');
    const argv = [
      '--gen_model',
      model,
      '--backend',
      'cpu',
      '--temperature',
      '0',
      '--max_new_tokens',
      '16',
      '--topn',
      '2',
    ];
    const first = await runCommand(
      chatPdfCommand,
      [...argv, '--corpus_files', CORPUS, '--index_file', index, '--query', question],
      dir,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Q: ${question}\nA: cf [1]\n`);
    expect(first.stdout).toContain(`  [1] ${CORPUS}:1  {"问": "${question}"`);
    expect(first.stdout).toMatch(/ {2}\[2\] .*medical_corpus\.txt:\d+/);
    expect(first.stderr).toMatch(/\d+ passages from /);
    expect(existsSync(index)).toBe(true);
    const again = await runCommand(
      chatPdfCommand,
      [...argv, '--index_file', index, '--query', question],
      dir,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`index: ${index}`);
    expect(again.stdout).toBe(first.stdout);
    const none = await runCommand(chatPdfCommand, [...argv, '--query', 'x'], dir);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('--corpus_files is required')]);
  });
});
