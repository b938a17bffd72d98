import { existsSync } from 'node:fs';
import { defineCommand, EXIT_OK, type Command } from '../command.js';
import type { LineInput } from '../chat/line-reader.js';
import { DEVICE_OPTION } from '../backend-init.js';

const CHATPDF_OPTIONS = {
  gen_model: {
    type: 'string',
    required: true,
    metavar: 'DIR',
    description: 'the model that answers: a model directory or Hub id',
  },
  lora_model: { type: 'string', metavar: 'DIR', description: 'a LoRA adapter on --gen_model' },
  prompt_template_name: {
    type: 'string',
    metavar: 'NAME',
    description: "a MedicalGPT template (default: the tokenizer's chat template)",
  },
  corpus_files: {
    type: 'list',
    metavar: 'FILE',
    description: 'documents: .txt (a passage per line), .md, .jsonl, or directories of them',
  },
  chunk_size: { type: 'integer', default: 100, metavar: 'N', description: 'characters per passage' },
  chunk_overlap: {
    type: 'integer',
    default: 5,
    metavar: 'N',
    description: 'characters shared by consecutive passages',
  },
  index_file: {
    type: 'string',
    metavar: 'FILE',
    description: 'the BM25 index: loaded when it exists, else built from --corpus_files and saved there',
  },
  query: {
    type: 'list',
    metavar: 'TEXT',
    description: 'questions to answer (default: read them from stdin, one per line)',
  },
  topn: {
    type: 'integer',
    default: 5,
    metavar: 'N',
    description: 'passages retrieved and cited per question',
  },
  max_new_tokens: { type: 'integer', default: 512, metavar: 'N', description: 'answer length limit' },
  temperature: { type: 'number', default: 0.7, description: 'sampling temperature (0: greedy)' },
  int4: { type: 'boolean', description: 'load the model in 4 bits' },
  int8: { type: 'boolean', description: 'load the model in 8 bits' },
  sim_model: {
    type: 'string',
    metavar: 'DIR',
    description: "chatpdf.py's dense similarity model (accepted; retrieval here is BM25 only so far)",
  },
  backend: {
    type: 'string',
    metavar: 'NAME',
    description: 'tensor backend (default MEDGPT_BACKEND, else auto)',
  },
  device: DEVICE_OPTION,
} as const;

/** Where questions come from without --query; tests pass a stream of their own. */
export interface ChatPdfCommandOptions {
  readonly input?: LineInput;
}

/** `medgpt chatpdf`: MedicalGPT's demo/chatpdf.py, answering from documents with numbered citations. */
export function createChatPdfCommand(setup: ChatPdfCommandOptions = {}): Command<typeof CHATPDF_OPTIONS> {
  return defineCommand({
    name: 'chatpdf',
    summary: 'answer questions from your documents, citing the passages used (chatpdf.py)',
    description:
      "MedicalGPT's demo/chatpdf.py: the documents are split into passages (--chunk_size, --chunk_overlap), indexed\n" +
      'with BM25 (a Chinese-aware analyser: character unigrams and bigrams, words for Latin text), and each question\n' +
      'gets its --topn passages numbered [1], [2] ... in a prompt that asks for an answer from them alone; the answer\n' +
      "streams, then the cited passages are listed with their file and line. PDF and chatpdf.py's dense similarity\n" +
      'model are not supported yet.',
    examples: [
      'medgpt chatpdf --gen_model outputs-sft-merged --corpus_files data/medicalgpt/rag/medical_corpus.txt \\\n' +
        '    --query "肛门病变可能是什么疾病的症状?"',
      'medgpt chatpdf --gen_model Qwen2.5-0.5B-Instruct --corpus_files docs/ --index_file docs.bm25.json',
    ],
    options: CHATPDF_OPTIONS,
    async run(options, { io }) {
      const { Bm25Index, readPassages } = await import('@medgpt/rag');
      const { answerFromDocuments } = await import('@medgpt/serving');
      const { loadInferenceSession } = await import('../inference/load-inference-session.js');
      const { createLineReader } = await import('../chat/line-reader.js');
      const { UsageError } = await import('../args/usage-error.js');
      const log = (line: string) => io.stderr(`${line}\n`);
      if (options.sim_model) log('[medgpt] --sim_model: dense retrieval is not built yet; BM25 only');
      let index;
      if (options.index_file && existsSync(options.index_file)) {
        index = await Bm25Index.load(options.index_file);
        log(`[medgpt] index: ${options.index_file}`);
      } else {
        if (!options.corpus_files || options.corpus_files.length === 0)
          throw new UsageError(
            '--corpus_files is required (or an existing --index_file)',
            'documents to answer from',
          );
        const passages = await readPassages(options.corpus_files, {
          chunk: { size: options.chunk_size, overlap: options.chunk_overlap },
        });
        index = new Bm25Index(passages);
        log(`[medgpt] ${passages.length} passages from ${options.corpus_files.join(', ')}`);
        if (options.index_file) {
          await index.save(options.index_file);
          log(`[medgpt] index saved to ${options.index_file}`);
        }
      }
      const session = await loadInferenceSession(
        {
          base_model: options.gen_model,
          lora_model: options.lora_model,
          template_name: options.prompt_template_name,
          max_new_tokens: options.max_new_tokens,
          temperature: options.temperature,
          load_in_4bit: options.int4,
          load_in_8bit: options.int8,
          backend: options.backend,
          device: options.device,
        },
        io,
        log,
      );
      const ask = async (question: string) => {
        io.stdout(`Q: ${question}\nA: `);
        const answer = await answerFromDocuments(session, index, question, {
          topn: options.topn,
          onText: (t) => io.stdout(t),
        });
        io.stdout('\n');
        for (const s of answer.sources)
          io.stdout(`  [${s.n}] ${s.source}:${s.line}  ${s.text.replace(/\s+/g, ' ').slice(0, 80)}\n`);
      };
      try {
        if (options.query && options.query.length > 0) for (const q of options.query) await ask(q);
        else {
          const reader = createLineReader(setup.input ?? process.stdin, io);
          for (let line = await reader.read('> '); line !== null; line = await reader.read('> '))
            if (line.trim() !== '') await ask(line.trim());
          reader.close();
        }
      } finally {
        session.dispose();
      }
      return EXIT_OK;
    },
  });
}

export const chatPdfCommand = createChatPdfCommand();
