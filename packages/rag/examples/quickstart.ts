import { fileURLToPath } from 'node:url';
import { Bm25Index, buildCitedPrompt, readPassages } from '@medgpt/rag';

// chatpdf.py's shipped corpus: one {"问": ..., "答": ...} JSON object per line, read as plain text lines.
const corpus = fileURLToPath(new URL('../../../data/medicalgpt/rag/medical_corpus.txt', import.meta.url));
const passages = await readPassages([corpus], { chunk: { size: 250, overlap: 0 } });
const index = new Bm25Index(passages, { k1: 1.5, b: 0.75 });

const question = '肛门病变可能是什么疾病的症状?';
const hits = index.search(question, 3);
for (const { passage, score } of hits) {
  console.log(`line ${passage.line} score ${score.toFixed(2)}: ${passage.text.slice(0, 40)}`);
}

// The prompt for the LLM, passages numbered [1], [2], ... so its answer can cite them.
const { prompt, sources } = buildCitedPrompt(question, hits, { maxChars: 1000 });
console.log(prompt);
console.log(`cited: ${sources.map((s) => `[${s.n}] line ${s.line}`).join(', ')}`);
