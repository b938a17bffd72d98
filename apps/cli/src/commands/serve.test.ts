import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { createForcedReplyModel } from '@medgpt/serving';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../args/parse-args.js';
import type { CliIo } from '../cli-io.js';
import { createServeCommand } from './serve.js';

let root: string;
let forced: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-serve-cmd-'));
  forced = join(root, 'forced');
  await createForcedReplyModel(forced, { after: '\n', reply: 'OK' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** `medgpt serve` started with `argv` on a free port (cpu), with its stderr collected: its URL and stop. */
async function startServe(argv: string[]) {
  const log = { stderr: '' };
  const io: CliIo = {
    stdout: () => {},
    stderr: (t) => void (log.stderr += t),
    cwd: process.cwd(),
    env: {},
  };
  const stop = new AbortController();
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const command = createServeCommand({ onListening: listening, stop: stop.signal });
  const { options } = parseArgs(
    ['--model_name_or_path', forced, '--port', '0', '--backend', 'cpu', ...argv],
    command.options,
  );
  const exit = command.run(options, { io, positionals: [] });
  const base = await Promise.race([url, exit.then((code) => Promise.reject(new Error(`exited ${code}`)))]);
  return { base, log, stop: () => stop.abort(), exit };
}

describe('medgpt serve', () => {
  it('listens on a free port, answers /v1/models and a chat, and exits 0 when stopped', async () => {
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => {}, cwd: process.cwd(), env: {} };
    const stop = new AbortController();
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const command = createServeCommand({ onListening: listening, stop: stop.signal });
    const argv = ['--model_name_or_path', forced, '--port', '0', '--served_model_name', 'tiny'];
    const { options } = parseArgs([...argv, '--api_key', 'k', '--backend', 'cpu'], command.options);
    const exit = command.run(options, { io, positionals: [] });
    const base = await Promise.race([url, exit.then((code) => Promise.reject(new Error(`exited ${code}`)))]);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toContain(`listening on ${base}`);
    const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
    const models = (await (await fetch(`${base}/v1/models`, { headers })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['tiny']);
    const answer = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'Hi' }], temperature: 0 }),
    });
    const body = (await answer.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe('OK');
    stop.abort();
    expect(await exit).toBe(0);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });

  it('answers "rag" chats from --corpus_files (indexed and saved to --index_file), citing sources', async () => {
    const corpus = join(root, 'notes.txt');
    await writeFile(corpus, 'fever: drink fluids and rest\ncough: honey in warm tea\nrash: keep it dry\n');
    const indexFile = join(root, 'notes.bm25.json');
    const { base, log, stop, exit } = await startServe([
      '--corpus_files',
      corpus,
      '--index_file',
      indexFile,
      '--rag_topn',
      '2',
    ]);
    expect(log.stderr).toContain(`[medgpt] documents: 3 passages (1 file) from ${corpus}, BM25`);
    expect(existsSync(indexFile)).toBe(true);
    expect(await (await fetch(`${base}/v1/rag`)).json()).toMatchObject({
      enabled: true,
      passages: 3,
      top_n: 2,
    });
    const answer = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'cough?' }], temperature: 0, rag: true }),
    });
    const body = (await answer.json()) as { choices: { message: { content: string } }[]; sources: object[] };
    expect(body.choices[0]!.message.content).toBe('OK');
    expect(body.sources).toEqual([{ n: 1, source: 'notes.txt', line: 2, text: 'cough: honey in warm tea' }]);
    stop();
    expect(await exit).toBe(0);
  });

  it('fuses BM25 with --sim_model vectors (saved beside the index) for "rag" chats', async () => {
    const corpus = join(root, 'dense.txt');
    await writeFile(corpus, 'fever: drink fluids and rest\ncough: honey in warm tea\nrash: keep it dry\n');
    const indexFile = join(root, 'dense.bm25.json');
    const { base, log, stop, exit } = await startServe([
      '--corpus_files',
      corpus,
      '--index_file',
      indexFile,
      '--rag_topn',
      '2',
      '--sim_model',
      forced,
    ]);
    expect(log.stderr).toContain(
      `[medgpt] documents: 3 passages (1 file) from ${corpus}, BM25 + dense vectors`,
    );
    expect(existsSync(`${indexFile}.dense`)).toBe(true);
    const answer = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'cough?' }], temperature: 0, rag: true }),
    });
    const body = (await answer.json()) as { sources: { line: number }[] };
    // BM25 alone finds one passage for "cough"; the dense ranking ranks every passage, so two are cited.
    expect(body.sources).toHaveLength(2);
    stop();
    expect(await exit).toBe(0);
  });

  it('refuses --sim_model without documents', async () => {
    const io: CliIo = { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {} };
    const command = createServeCommand({ stop: AbortSignal.abort() });
    const { options } = parseArgs(
      ['--model_name_or_path', forced, '--sim_model', forced, '--backend', 'cpu'],
      command.options,
    );
    await expect(command.run(options, { io, positionals: [] })).rejects.toThrow(
      '--sim_model needs documents: give --corpus_files or --index_file',
    );
  });

  it('refuses --index_file that does not exist without --corpus_files to build it from', async () => {
    const io: CliIo = { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {} };
    const command = createServeCommand({ stop: AbortSignal.abort() });
    const { options } = parseArgs(
      ['--model_name_or_path', forced, '--index_file', join(root, 'none.json'), '--backend', 'cpu'],
      command.options,
    );
    await expect(command.run(options, { io, positionals: [] })).rejects.toThrow(
      /^--corpus_files: expected one or more files or directories to build .*none\.json/,
    );
  });

  it('refuses a --lora_modules value that is not name=DIR, naming the flag', async () => {
    const io: CliIo = { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {} };
    const command = createServeCommand({ stop: AbortSignal.abort() });
    const { options } = parseArgs(
      ['--model_name_or_path', forced, '--lora_modules', '../x', '--backend', 'cpu'],
      command.options,
    );
    await expect(command.run(options, { io, positionals: [] })).rejects.toThrow(
      /--lora_modules expects name=DIR/,
    );
  });
});
