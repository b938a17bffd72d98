import { existsSync } from 'node:fs';
import type { Retriever } from '@medgpt/rag';
import type { TextEmbedder } from '@medgpt/serving';
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
    description: 'documents: .txt (a passage per line), .md, .jsonl, .pdf, or directories of them',
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
    description:
      'the BM25 index: loaded when it exists, else built from --corpus_files and saved there; with --sim_model ' +
      "the passages' vectors likewise in FILE.dense (docs.bm25.json -> docs.bm25.json.dense)",
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
    description:
      "chatpdf.py's similarity model, here a causal LM (Qwen, Llama, Mistral; directory or Hub id) whose " +
      'mean-pooled hidden states rank passages by cosine, fused with BM25; BERT encoders (text2vec) are not supported',
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
      'streams, then the cited passages are listed with their file and line (page for a PDF).\n' +
      "With --sim_model (chatpdf.py's similarity model), passages are also ranked by the cosine of embeddings and the\n" +
      'two rankings are fused (reciprocal-rank fusion). The embeddings are the mean-pooled final hidden states of a\n' +
      "causal LM that medgpt loads (Qwen, Llama, Mistral), L2-normalised; chatpdf.py's default, the BERT encoder\n" +
      'shibing624/text2vec-base-multilingual, is not supported. A base LM is not trained to embed sentences, so check\n' +
      'that fusion helps on your documents. With --index_file the vectors are kept in FILE.dense, refused when another\n' +
      '--sim_model or other passages made them (delete it to re-embed).',
    examples: [
      'medgpt chatpdf --gen_model outputs-sft-merged --corpus_files data/medicalgpt/rag/medical_corpus.txt \\\n' +
        '    --query "肛门病变可能是什么疾病的症状?"',
      'medgpt chatpdf --gen_model Qwen2.5-0.5B-Instruct --corpus_files docs/ --index_file docs.bm25.json',
      'medgpt chatpdf --gen_model Qwen2.5-0.5B-Instruct --sim_model Qwen/Qwen2.5-0.5B --corpus_files docs/ \\\n' +
        '    --index_file docs.bm25.json   # also writes docs.bm25.json.dense',
    ],
    options: CHATPDF_OPTIONS,
    async run(options, { io }) {
      const { answerFromDocuments, openDocumentRetriever } = await import('@medgpt/serving');
      const { loadInferenceSession } = await import('../inference/load-inference-session.js');
      const { loadTextEmbedder } = await import('../inference/load-text-embedder.js');
      const { createLineReader } = await import('../chat/line-reader.js');
      const { UsageError } = await import('../args/usage-error.js');
      const log = (line: string) => io.stderr(`${line}\n`);
      if (!options.corpus_files?.length && !(options.index_file && existsSync(options.index_file)))
        throw new UsageError(
          '--corpus_files is required (or an existing --index_file)',
          'documents to answer from',
        );
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
      let retriever: Retriever | undefined;
      let embedder: TextEmbedder | undefined;
      const ask = async (question: string) => {
        io.stdout(`Q: ${question}\nA: `);
        const answer = await answerFromDocuments(session, retriever!, question, {
          topn: options.topn,
          onText: (t) => io.stdout(t),
        });
        io.stdout('\n');
        for (const s of answer.sources)
          io.stdout(
            `  [${s.n}] ${s.page === undefined ? `${s.source}:${s.line}` : `${s.source} p.${s.page}`}  ${s.text.replace(/\s+/g, ' ').slice(0, 80)}\n`,
          );
      };
      try {
        // On the backend the session started; dense vectors sit beside the BM25 index (`.dense`).
        if (options.sim_model) embedder = await loadTextEmbedder(options.sim_model, io, log);
        const docs = await openDocumentRetriever({
          indexFile: options.index_file,
          corpusFiles: options.corpus_files,
          chunk: { size: options.chunk_size, overlap: options.chunk_overlap },
          embedder,
          log,
        });
        retriever = docs.retriever;
        log(
          docs.from === 'index-file'
            ? `[medgpt] index: ${options.index_file}`
            : `[medgpt] ${docs.bm25.passages.length} passages from ${options.corpus_files!.join(', ')}`,
        );
        if (docs.savedTo !== null) log(`[medgpt] index saved to ${docs.savedTo}`);
        if (options.query && options.query.length > 0) for (const q of options.query) await ask(q);
        else {
          const reader = createLineReader(setup.input ?? process.stdin, io);
          for (let line = await reader.read('> '); line !== null; line = await reader.read('> '))
            if (line.trim() !== '') await ask(line.trim());
          reader.close();
        }
      } finally {
        embedder?.dispose();
        session.dispose();
      }
      return EXIT_OK;
    },
  });
}

export const chatPdfCommand = createChatPdfCommand();
