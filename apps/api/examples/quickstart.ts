import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadApiServer } from '@medgpt/api';
import { tf } from '@medgpt/core-tensor';
import { createForcedReplyModel } from '@medgpt/serving';

await tf.setBackend('cpu');
// A tiny checkpoint that answers "OK" after ChatML's generation prompt; use your own model directory.
const dir = join(await mkdtemp(join(tmpdir(), 'medgpt-api-')), 'model');
await createForcedReplyModel(dir, { after: '\n', reply: 'OK' });

// What `medgpt serve --model_name_or_path DIR --served_model_name tiny --port 0` runs.
const loaded = await loadApiServer({
  settings: { base_model: dir, temperature: 0 },
  servedModelName: 'tiny',
});
const { url } = await loaded.server.listen({ port: 0 }); // 127.0.0.1, a free port

// Any OpenAI client works against `${url}/v1`; here plain fetch, streamed as server-sent events.
const res = await fetch(`${url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'tiny', messages: [{ role: 'user', content: 'Fever?' }], stream: true }),
});
const events = (await res.text()).split('\n\n').filter(Boolean);
console.log(events.at(-1)); // data: [DONE]
const deltas = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)).choices[0]);
console.log(deltas.map((c) => c.delta.content ?? '').join('')); // OK
console.log(deltas.at(-1).finish_reason); // stop
await loaded.close();
