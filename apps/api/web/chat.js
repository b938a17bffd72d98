// medgpt's chat page: plain browser JavaScript served by @medgpt/api (no build step, nothing loaded from
// another origin; the server's Content-Security-Policy allows only 'self'). It talks to the same
// OpenAI-compatible API any client uses: GET /v1/models for the picker, POST /v1/chat/completions with
// `stream: true`, read as server-sent events; GET /v1/rag says whether the server has documents, and then
// "Use documents" sends `"rag": true` and lists the `sources` the answer cites. Model output and
// passages are only ever set as textContent.
/* global document */

const $ = (id) => document.getElementById(id);
const els = {
  status: $('status'),
  model: $('model'),
  key: $('api-key'),
  system: $('system'),
  temperature: $('temperature'),
  maxTokens: $('max-tokens'),
  ragOption: $('rag-option'),
  useDocs: $('use-docs'),
  ragCount: $('rag-count'),
  clear: $('clear'),
  log: $('log'),
  form: $('ask'),
  prompt: $('prompt'),
  send: $('send'),
  stop: $('stop'),
};

/** The turns sent with the next question; an answer stopped early keeps the text it had. */
const history = [];
/** The AbortController of the answer being streamed, null when idle. */
let running = null;
/** Bumped by "Clear conversation", so an answer cut off by it is not added to the new history. */
let conversation = 0;

function setStatus(text, isError = false) {
  els.status.textContent = text;
  els.status.classList.toggle('error', isError);
}

function setBusy(busy) {
  els.send.disabled = busy;
  els.stop.disabled = !busy;
}

function headers() {
  const h = { 'content-type': 'application/json' };
  const key = els.key.value.trim();
  if (key !== '') h.authorization = `Bearer ${key}`;
  return h;
}

/** The server's `{"error": {"message"}}`, or the status line when the body is not that. */
async function errorMessage(res) {
  try {
    const body = await res.json();
    return body.error?.message ?? `${res.status} ${res.statusText}`;
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}

async function loadModels() {
  setStatus('loading models…');
  try {
    const res = await fetch('/v1/models', { headers: headers() });
    if (!res.ok) throw new Error(await errorMessage(res));
    const { data } = await res.json();
    const previous = els.model.value;
    els.model.replaceChildren(
      ...data.map((m) => {
        const option = document.createElement('option');
        option.value = m.id;
        option.textContent = m.parent ? `${m.id} (adapter of ${m.parent})` : m.id;
        return option;
      }),
    );
    if (data.some((m) => m.id === previous)) els.model.value = previous;
    setStatus(`ready: ${data.length} model${data.length === 1 ? '' : 's'}`);
  } catch (err) {
    setStatus(`models: ${err.message}`, true);
  }
}

/** Shows "Use documents" when the server has documents (GET /v1/rag); hides it otherwise or on error. */
async function loadRag() {
  let info = null;
  try {
    const res = await fetch('/v1/rag', { headers: headers() });
    if (res.ok) info = await res.json();
  } catch {
    // an older server, or the network: no documents to offer
  }
  const enabled = info?.enabled === true;
  els.ragOption.hidden = !enabled;
  if (!enabled) els.useDocs.checked = false;
  els.ragCount.textContent = enabled && info.passages !== null ? `(${info.passages} passages)` : '';
}

/** Longest snippet of a passage shown under an answer; the whole text is its tooltip. */
const SNIPPET_CHARS = 160;

/** The passages an answer cites, under it: `[n] file:line` (`file p.N` for a PDF) and a snippet, or a note. */
function showSources(li, sources) {
  const box = document.createElement('div');
  box.className = 'sources';
  if (sources.length === 0) {
    box.textContent = 'No passages cited: nothing in the documents matched.';
  } else {
    const list = document.createElement('ol');
    for (const s of sources) {
      const item = document.createElement('li');
      const cite = document.createElement('span');
      cite.className = 'cite';
      // A PDF passage is cited by page, as medgpt chatpdf cites it.
      cite.textContent = `[${s.n}] ${s.source}${s.page ? ` p.${s.page}` : `:${s.line}`}`;
      const text = s.text.replace(/\s+/g, ' ').trim();
      const snippet = document.createElement('span');
      snippet.className = 'snippet';
      snippet.textContent = text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
      item.title = s.text;
      item.append(cite, ' ', snippet);
      list.append(item);
    }
    box.append(list);
  }
  li.querySelector('.content').after(box);
}

function addTurn(role, text) {
  const li = document.createElement('li');
  li.className = role;
  const content = document.createElement('div');
  content.className = 'content';
  content.textContent = text;
  const meta = document.createElement('div');
  meta.className = 'meta';
  li.append(content, meta);
  els.log.append(li);
  els.log.scrollTop = els.log.scrollHeight;
  return li;
}

/** A number input's value, or undefined (the server's default) when empty or not a number. */
function numberOf(input) {
  const value = Number(input.value);
  return input.value.trim() === '' || !Number.isFinite(value) ? undefined : value;
}

/**
 * Yields the JSON of each `data:` event of a server-sent-events body until `data: [DONE]`; throws
 * when the body ends without it (the server or the connection broke off).
 */
async function* sseData(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the answer broke off (no [DONE])');
    pending += value;
    const events = pending.split('\n\n');
    pending = events.pop();
    for (const event of events) {
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice('data:'.length).trimStart())
        .join('\n');
      if (data === '[DONE]') return;
      if (data !== '') yield JSON.parse(data);
    }
  }
}

async function ask(question) {
  const system = els.system.value.trim();
  const user = { role: 'user', content: question };
  const messages = [...(system === '' ? [] : [{ role: 'system', content: system }]), ...history, user];
  const model = els.model.value;
  const userLi = addTurn('user', question);
  const li = addTurn('assistant', '');
  li.classList.add('streaming');
  const content = li.querySelector('.content');
  const meta = li.querySelector('.meta');
  const controller = new AbortController();
  const turnOf = conversation;
  running = controller;
  setBusy(true);
  setStatus('answering…');
  let answer = '';
  let finish = null;
  let answeredBy = model || 'default model'; // replaced by the model the server says answered
  const rag = !els.ragOption.hidden && els.useDocs.checked;
  try {
    const res = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({
        ...(model === '' ? {} : { model }),
        messages,
        stream: true,
        temperature: numberOf(els.temperature),
        max_tokens: numberOf(els.maxTokens),
        ...(rag ? { rag: true } : {}),
      }),
      signal: controller.signal,
    });
    if (!res.ok) throw new Error(await errorMessage(res));
    for await (const chunk of sseData(res.body)) {
      if (chunk.error) throw new Error(chunk.error.message);
      if (chunk.model) answeredBy = chunk.model;
      if (Array.isArray(chunk.sources)) showSources(li, chunk.sources); // on the first chunk only
      for (const choice of chunk.choices) {
        if (choice.delta?.content) {
          answer += choice.delta.content;
          content.textContent = answer;
          els.log.scrollTop = els.log.scrollHeight;
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    }
    setStatus('ready');
  } catch (err) {
    if (controller.signal.aborted) {
      finish = 'stopped';
      setStatus('stopped');
    } else {
      finish = 'error';
      li.classList.add('error');
      content.textContent = answer === '' ? err.message : `${answer}\n\n${err.message}`;
      setStatus(`error: ${err.message}`, true);
    }
  } finally {
    running = null;
    setBusy(false);
    li.classList.remove('streaming');
    li.dataset.finish = finish ?? 'unknown';
    meta.textContent = `${answeredBy} · ${finish}`;
  }
  if (turnOf !== conversation) return;
  if (answer !== '' || finish !== 'error') history.push(user, { role: 'assistant', content: answer });
  else userLi.classList.add('dropped'); // nothing came back: the question is not part of the history
}

els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const question = els.prompt.value.trim();
  if (question === '' || running) return;
  els.prompt.value = '';
  void ask(question);
});
els.prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    els.form.requestSubmit();
  }
});
els.stop.addEventListener('click', () => running?.abort());
els.clear.addEventListener('click', () => {
  conversation++;
  running?.abort();
  history.length = 0;
  els.log.replaceChildren();
  setStatus('ready');
});
els.key.addEventListener('change', () => {
  void loadModels();
  void loadRag();
});

setBusy(false);
void loadModels();
void loadRag();
