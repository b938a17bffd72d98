import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createTinyModel } from '@medgpt/models';
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

  it('--sim_model: fuses dense retrieval with BM25, keeps the vectors beside the index and refuses another model', async () => {
    // Random tiny models: their embeddings rank nothing meaningfully, so only the mechanics are checked.
    const sim = join(dir, 'sim');
    await createTinyModel({ architecture: 'qwen2', hiddenSize: 32, seed: 7 }, sim);
    const question = (JSON.parse(readFileSync(CORPUS, 'utf8').split('\n')[0]!) as { 问: string }).问;
    const index = join(dir, 'hybrid.bm25.json');
    const argv = [
      ...['--gen_model', model, '--backend', 'cpu', '--temperature', '0', '--max_new_tokens', '16'],
      ...['--topn', '3', '--index_file', index, '--query', question],
    ];
    const first = await runCommand(
      chatPdfCommand,
      [...argv, '--corpus_files', CORPUS, '--sim_model', sim],
      dir,
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/sim_model: .*sim \(qwen2, 2 layers, 32-dim embeddings\)/);
    expect(first.stderr).toMatch(new RegExp(`embedding \\d+ passages with ${sim}\\n`));
    expect(first.stderr).toContain(`dense index saved to ${index}.dense`);
    expect(first.stdout).toContain(`Q: ${question}\nA: cf [1]\n`);
    expect(first.stdout.match(/^ {2}\[\d\] .*medical_corpus\.txt:\d+ /gm)).toHaveLength(3);
    // BM25 ranks the question's own line first; with this seed fusion keeps it among the three (not a quality claim).
    expect(first.stdout).toContain(`${CORPUS}:1  `);

    const again = await runCommand(chatPdfCommand, [...argv, '--sim_model', sim], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`dense index: ${index}.dense`);
    expect(again.stderr).not.toMatch(/embedding \d+ passages/);
    expect(again.stdout).toBe(first.stdout);

    const other = join(dir, 'other-sim');
    await createTinyModel({ architecture: 'llama', hiddenSize: 32, seed: 8 }, other);
    await expect(runCommand(chatPdfCommand, [...argv, '--sim_model', other], dir)).rejects.toThrow(
      `${index}.dense: model: the index holds embeddings of "${sim}" (dimension 32), not of "${other}" ` +
        `(dimension 32); delete the file to embed the passages again with "${other}"`,
    );

    const bert = join(dir, 'text2vec');
    mkdirSync(bert);
    writeFileSync(join(bert, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: 768 }));
    await expect(runCommand(chatPdfCommand, [...argv, '--sim_model', bert], dir)).rejects.toThrow(
      new RegExp(
        `^--sim_model ${bert}: .*'bert' is not supported.*sentence encoders such as BERT \\(text2vec\\)`,
      ),
    );
  });
});
