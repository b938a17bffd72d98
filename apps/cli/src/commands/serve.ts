import { defineCommand, type Command } from '../command.js';
import { INFERENCE_OPTIONS } from '../inference/inference-options.js';

// inference.py's model flags under vLLM's names where vLLM has one; generation flags are the defaults
// of requests that leave them out.
const {
  base_model: _base,
  lora_model: _lora,
  load_in_8bit: _8,
  load_in_4bit: _4,
  ...SHARED
} = INFERENCE_OPTIONS;

const SERVE_OPTIONS = {
  model_name_or_path: {
    type: 'string',
    required: true,
    metavar: 'DIR',
    description: 'Hugging Face model directory, or a Hub id org/name[@revision]',
  },
  lora_modules: {
    type: 'list',
    metavar: 'NAME=DIR',
    description: 'LoRA adapters served as models of their own: name=DIR (a directory or Hub id), repeatable',
  },
  served_model_name: {
    type: 'string',
    metavar: 'NAME',
    description: "the base model's id in /v1/models and requests (default --model_name_or_path)",
  },
  host: { type: 'string', default: '127.0.0.1', description: 'address to bind (0.0.0.0: every interface)' },
  port: { type: 'integer', default: 8000, metavar: 'N', description: 'port to listen on (0: a free one)' },
  api_key: {
    type: 'string',
    metavar: 'KEY',
    description: 'require Authorization: Bearer KEY on /v1/* (default MEDGPT_API_KEY, else open)',
  },
  max_num_seqs: { type: 'integer', default: 8, metavar: 'N', description: 'sequences decoded together' },
  max_model_len: {
    type: 'integer',
    metavar: 'N',
    description: "tokens per sequence, prompt included (default min(the model's max positions, 2048))",
  },
  tool_format: {
    type: 'string',
    default: 'default',
    metavar: 'NAME',
    description: 'how tools enter the prompt and calls are parsed (default, qwen, glm4, llama3, mistral)',
  },
  max_request_bytes: {
    type: 'integer',
    default: 1048576,
    metavar: 'N',
    description: 'largest request body (413 past it)',
  },
  corpus_files: {
    type: 'list',
    metavar: 'FILE',
    description:
      'documents chats may ask to be answered from ("rag" in a request): files or directories, read as chatpdf reads them',
  },
  index_file: {
    type: 'string',
    metavar: 'FILE',
    description: 'the BM25 index: loaded when it exists, else built from --corpus_files and saved there',
  },
  chunk_size: { type: 'integer', default: 100, metavar: 'N', description: 'characters per passage' },
  chunk_overlap: {
    type: 'integer',
    default: 5,
    metavar: 'N',
    description: 'characters shared by consecutive passages',
  },
  rag_topn: {
    type: 'integer',
    default: 5,
    metavar: 'N',
    description: 'passages cited per question when a request says "rag": true',
  },
  rag_context_len: {
    type: 'integer',
    default: 2048,
    metavar: 'N',
    description: 'characters the instruction, passages and question may take in a rag prompt',
  },
  sim_model: {
    type: 'string',
    metavar: 'DIR',
    description:
      "chatpdf's similarity model for the documents: a causal LM (directory or Hub id) whose mean-pooled hidden " +
      'states rank passages by cosine, fused with BM25; vectors saved in --index_file.dense',
  },
  ...SHARED,
} as const;

/** Test hooks: where the URL goes once listening, and what stops the server instead of SIGINT. */
export interface ServeCommandOptions {
  readonly onListening?: (url: string) => void;
  readonly stop?: AbortSignal;
}

/** `medgpt serve`: the OpenAI-compatible server (@medgpt/api) on a model and its LoRA modules. */
export function createServeCommand(setup: ServeCommandOptions = {}): Command<typeof SERVE_OPTIONS> {
  return defineCommand({
    name: 'serve',
    summary: 'serve a model over an OpenAI-compatible HTTP API (chat, completions, streaming)',
    description:
      "vLLM's OpenAI server for medgpt models: POST /v1/chat/completions and /v1/completions (streamed as\n" +
      'server-sent events when asked), GET /v1/models (the model and each --lora_modules adapter) and\n' +
      "GET /health. Chat prompts use --template_name or else the tokenizer's chat_template; the generation\n" +
      'flags are the defaults of requests that leave them out. Binds 127.0.0.1 unless --host says\n' +
      'otherwise. Ctrl-C (SIGINT) or SIGTERM stops it.\n' +
      'With --corpus_files or --index_file the documents are indexed (BM25, fused with --sim_model vectors when\n' +
      'given, as chatpdf does) at start-up, and\n' +
      'a chat request with "rag": true (or {"top_n": N}) is answered from its question\'s best passages, which\n' +
      'the answer cites as [1], [2] ... and which come back as "sources"; the web page at / offers this as\n' +
      '"Use documents". Without them nothing changes.',
    examples: [
      'medgpt serve --model_name_or_path Qwen/Qwen2.5-0.5B-Instruct --port 8000',
      'medgpt serve --model_name_or_path merged --lora_modules doctor=outputs-sft --api_key sk-local',
      'medgpt serve --model_name_or_path merged --corpus_files data/medicalgpt/rag/medical_corpus.txt \\\n' +
        '    --index_file medical_corpus.bm25.json',
    ],
    options: SERVE_OPTIONS,
    async run(options, { io }) {
      // Loaded on use: the tensor engine and the server stay out of other commands' start-up.
      const { runServe } = await import('../serve/run-serve.js');
      return runServe(options, io, setup);
    },
  });
}

export const serveCommand = createServeCommand();
