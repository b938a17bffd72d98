import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@medgpt/core-tensor';
import { PeftModel } from '@medgpt/peft';
import { createForcedReplyModel, InferenceEngine, InferenceSession, type Retriever } from '@medgpt/serving';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from './create-api-server.js';
import { WEB_CSP } from './http/web-files.js';

// Debian's chromium (CI installs it in .ci/run); without it the page cannot be tested here.
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`web-page.test.ts: SKIPPED, ${CHROMIUM} not found (install it: apt-get install -y chromium)`);

const KEY = 'sk-page-key';
const SLOTS = 2;
const SCREENSHOT = fileURLToPath(new URL('../.test-results/chat-page.png', import.meta.url));
const RAG_SCREENSHOT = fileURLToPath(new URL('../.test-results/chat-page-rag.png', import.meta.url));

// The documents of a second server over the same engine: a keyword retriever over two passages.
const PASSAGES = [
  { id: 0, source: '/srv/docs/fever.txt', line: 4, text: 'Fever: drink plenty of fluids and rest in bed.' },
  { id: 1, source: '/srv/docs/cough.md', line: 12, text: 'Cough: honey in warm tea soothes the throat.' },
];
const retriever: Retriever = {
  search: (question, k) =>
    PASSAGES.filter((p) => question.toLowerCase().includes(p.text.slice(0, 5).toLowerCase()))
      .slice(0, k)
      .map((passage) => ({ passage, score: 1 })),
};

let root: string;
let session: InferenceSession;
let peft: PeftModel;
let engine: InferenceEngine;
let server: ApiServer;
let url: string;
let ragServer: ApiServer;
let ragUrl: string;
let browser: Browser;
let page: Page;

// The model answers "<b>Fluids." after a newline or a space, and a space after it: the answer repeats
// until max_tokens (a long answer to stop), and it is markup the page must show as text.
beforeAll(async () => {
  if (!haveChromium) return;
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'medgpt-page-'));
  await createForcedReplyModel(join(root, 'model'), { after: '\n ', reply: '<b>Fluids.', end: 'Ġ' });
  session = await InferenceSession.load({ base_model: join(root, 'model'), temperature: 0 });
  peft = new PeftModel(session.model);
  peft.addAdapter('doctor', { r: 4, lora_alpha: 8, target_modules: 'all' }, { seed: 1 });
  engine = new InferenceEngine(session.model, {
    tokenizer: session.tokenizer,
    peft,
    defaults: session.generateOptions,
    maxSequences: SLOTS,
    maxModelLen: 512,
  });
  server = createApiServer({
    engine,
    tokenizer: session.tokenizer,
    format: session.format,
    modelName: 'tiny',
    adapters: ['doctor'],
    stopStrings: session.generateOptions.stopStrings ?? [],
    apiKey: KEY,
  });
  ({ url } = await server.listen({ port: 0 }));
  ragServer = createApiServer({
    engine,
    tokenizer: session.tokenizer,
    format: session.format,
    modelName: 'tiny',
    stopStrings: session.generateOptions.stopStrings ?? [],
    apiKey: KEY,
    rag: { retriever, passages: PASSAGES.length, maxChars: 1000 },
  });
  ({ url: ragUrl } = await ragServer.listen({ port: 0 }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ragServer?.close();
  await engine?.close();
  peft?.dispose();
  session?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

/** What the API answers, whole, for the request the page should have sent. */
async function answerOf(model: string, messages: object[], maxTokens: number): Promise<string> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, temperature: 0, max_tokens: maxTokens }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]!.message.content;
}

const health = async () =>
  (await (await fetch(`${url}/health`)).json()) as { running: number; freeSlots: number; slots: number };

const assistant = (i: number) => page.locator('#log li.assistant').nth(i);

describe.skipIf(!haveChromium)('the chat page in headless Chromium', () => {
  it('is served with its content types and a restrictive CSP, and loads nothing from elsewhere', async () => {
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) outside.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${url}/`);
    expect(res!.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(res!.headers()['content-security-policy']).toBe(WEB_CSP);
    const script = await fetch(`${url}/static/chat.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${url}/static/chat.css`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    // Behind --api_key the picker cannot load until the key is given.
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/API key/);
    await page.fill('#api-key', KEY);
    await page.locator('#api-key').dispatchEvent('change');
    await expect
      .poll(() => page.locator('#model option').allTextContents())
      .toEqual(['tiny', 'doctor (adapter of tiny)']);
    // This server has no documents: no "Use documents" box.
    expect(await page.isHidden('#rag-option')).toBe(true);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('streams an answer, keeps both turns in the history, and sends them with the next question', async () => {
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', '20');
    await page.fill('#system', 'Be brief.');
    const texts: string[] = [];
    await page.exposeFunction('recordText', (t: string) => texts.push(t));
    // Every intermediate text the answer shows, to see it arrive in pieces rather than at once.
    // (In the page's own JavaScript: this package's TypeScript has no DOM types.)
    await page.evaluate(`
      const log = document.getElementById('log');
      new MutationObserver(() => {
        const last = log.querySelector('li.assistant:last-child .content');
        if (last) window.recordText(last.textContent);
      }).observe(log, { subtree: true, childList: true, characterData: true });
    `);
    await page.fill('#prompt', 'Fever?');
    await page.press('#prompt', 'Enter');
    await expect.poll(() => assistant(0).getAttribute('data-finish')).toBe('length');
    const system = { role: 'system', content: 'Be brief.' };
    const first = await answerOf('tiny', [system, { role: 'user', content: 'Fever?' }], 20);
    expect(await assistant(0).locator('.content').textContent()).toBe(first);
    expect(new Set(texts.filter((t) => t !== '' && t !== first)).size).toBeGreaterThan(3);
    expect(await assistant(0).locator('.meta').textContent()).toBe('tiny · length');
    expect(first).toContain('<b>');
    expect(await page.locator('#log b').count()).toBe(0); // inserted as text, not parsed as HTML

    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/chat/completions')) requests.push(r.postData() ?? '');
    });
    await page.fill('#prompt', 'And a cough?');
    await page.click('#send');
    await expect.poll(() => assistant(1).getAttribute('data-finish')).toBe('length');
    const history = [
      system,
      { role: 'user', content: 'Fever?' },
      { role: 'assistant', content: first },
      { role: 'user', content: 'And a cough?' },
    ];
    expect(JSON.parse(requests[0]!)).toEqual({
      model: 'tiny',
      messages: history,
      stream: true,
      temperature: 0,
      max_tokens: 20,
    });
    expect(await assistant(1).locator('.content').textContent()).toBe(await answerOf('tiny', history, 20));
    expect(await page.locator('#log li.user .content').allTextContents()).toEqual(['Fever?', 'And a cough?']);
  });

  it('stops a long answer with the stop button, and the server frees its slot', async () => {
    await page.click('#clear');
    expect(await page.locator('#log li').count()).toBe(0);
    await page.fill('#max-tokens', '400');
    await page.fill('#prompt', 'Tell me everything.');
    await page.click('#send');
    const content = assistant(0).locator('.content');
    await expect.poll(async () => (await content.textContent())!.length).toBeGreaterThan(10);
    expect((await health()).running).toBe(1);
    await page.click('#stop');
    await expect.poll(() => assistant(0).getAttribute('data-finish')).toBe('stopped');
    const stoppedAt = (await content.textContent())!;
    await expect.poll(async () => (await health()).running).toBe(0);
    expect((await health()).freeSlots).toBe(SLOTS);
    await page.waitForTimeout(300);
    expect(await content.textContent()).toBe(stoppedAt); // nothing more arrived
    // What was shown is the answer's start, and the answer had more to come within its 400 tokens.
    const shown = session.tokenizer.encode(stoppedAt, { addSpecialTokens: false }).length;
    expect(shown).toBeLessThan(400);
    const longer = await answerOf('tiny', [{ role: 'user', content: 'Tell me everything.' }], shown + 1);
    expect(longer.startsWith(stoppedAt)).toBe(true);
    expect(longer.length).toBeGreaterThan(stoppedAt.length);
    expect(await page.isEnabled('#send')).toBe(true);
    expect(await page.isDisabled('#stop')).toBe(true);
  });

  it('answers through the model picked in the picker, and saves a screenshot', async () => {
    await page.click('#clear');
    await page.fill('#max-tokens', '16');
    await page.selectOption('#model', 'doctor');
    await page.fill('#prompt', 'Headache?');
    await page.click('#send');
    await expect.poll(() => assistant(0).getAttribute('data-finish')).toBe('length');
    // The label is the `model` of the server's chunks: the adapter answered.
    expect(await assistant(0).locator('.meta').textContent()).toBe('doctor · length');
    expect(await assistant(0).locator('.content').textContent()).toBe(
      await answerOf('doctor', [{ role: 'user', content: 'Headache?' }], 16),
    );
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('with documents: "Use documents" sends rag, and the cited sources are listed under the answer', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ragUrl}/`);
    expect(await page.isHidden('#rag-option')).toBe(true); // until the key lets it ask GET /v1/rag
    await page.fill('#api-key', KEY);
    await page.locator('#api-key').dispatchEvent('change');
    await expect.poll(() => page.isVisible('#rag-option')).toBe(true);
    expect(await page.locator('#rag-option').textContent()).toMatch(/Use documents \(2 passages\)/);
    await page.fill('#max-tokens', '12');
    await page.check('#use-docs');
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/chat/completions')) requests.push(r.postData() ?? '');
    });
    await page.fill('#prompt', 'Fever and a cough?');
    await page.click('#send');
    await expect.poll(() => assistant(0).getAttribute('data-finish')).toBe('length');
    expect(JSON.parse(requests[0]!)).toMatchObject({ rag: true, stream: true });
    const cited = assistant(0).locator('.sources li');
    expect(await cited.locator('.cite').allTextContents()).toEqual(['[1] fever.txt:4', '[2] cough.md:12']);
    expect(await cited.locator('.snippet').allTextContents()).toEqual(PASSAGES.map((p) => p.text));
    // The history keeps the question as asked, not the server's cited prompt.
    await page.uncheck('#use-docs');
    await page.fill('#prompt', 'Why?');
    await page.click('#send');
    await expect.poll(() => assistant(1).getAttribute('data-finish')).toBe('length');
    const second = JSON.parse(requests[1]!) as { rag?: unknown; messages: { content: string }[] };
    expect(second.rag).toBeUndefined();
    expect(second.messages[0]!.content).toBe('Fever and a cough?');
    expect(await assistant(1).locator('.sources').count()).toBe(0);
    // A question no passage matches: the fixed reply, and a note instead of a list.
    await page.check('#use-docs');
    await page.fill('#prompt', 'Headache?');
    await page.click('#send');
    await expect.poll(() => assistant(2).getAttribute('data-finish')).toBe('stop');
    expect(await assistant(2).locator('.sources').textContent()).toMatch(/^No passages cited/);
    expect(errors).toEqual([]);
    await assistant(0).scrollIntoViewIfNeeded();
    await page.screenshot({ path: RAG_SCREENSHOT, fullPage: true });
    expect(existsSync(RAG_SCREENSHOT)).toBe(true);
  });
});
