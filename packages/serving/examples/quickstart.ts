import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@medgpt/core-tensor';
import { ChatSession, createForcedReplyModel, InferenceSession } from '@medgpt/serving';

await tf.setBackend('cpu');
// A tiny checkpoint that answers "OK" after ChatML's generation prompt; use your own model directory.
const dir = join(await mkdtemp(join(tmpdir(), 'medgpt-serving-')), 'model');
await createForcedReplyModel(dir, { after: '\n', reply: 'OK' });

// demo/inference.py's setup: tokenizer, chat template, stop rules, generation_config.json.
const session = await InferenceSession.load({ base_model: dir, temperature: 0 }, { log: console.log });
const chat = new ChatSession(session, { systemPrompt: 'You are a doctor.', singleTurn: false });
const reply = await chat.reply('Fever?', (text) => process.stdout.write(text));
console.log(reply); // { text: 'OK', tokens: 3, end: 'stop' }
session.dispose();
