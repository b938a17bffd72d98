import { getLlama, LlamaLogLevel, type Llama, type Token } from 'node-llama-cpp';

let llama: Promise<Llama> | undefined;
const logs: string[] = [];

/** node-llama-cpp on the CPU with its prebuilt binary (never a build or a download); logs kept for errors. */
export function cpuLlama(): Promise<Llama> {
  llama ??= getLlama({
    gpu: false,
    build: 'never',
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => void logs.push(`[${level}] ${message.trimEnd()}`),
  });
  return llama;
}

/** What llama.cpp logged so far (warnings and errors), for a failing test's message. */
export function llamaLogs(): string {
  return logs.join('\n');
}

/**
 * llama.cpp's greedy continuation of `prompt` (token ids, so no tokenizer difference enters) from a
 * GGUF file, `count` tokens, end-of-generation tokens included.
 */
export async function llamaCppGreedy(modelPath: string, prompt: number[], count: number): Promise<number[]> {
  const l = await cpuLlama();
  const model = await l.loadModel({ modelPath, gpuLayers: 0, useMmap: false });
  try {
    const context = await model.createContext({ contextSize: 128, sequences: 1, threads: 1 });
    try {
      const sequence = context.getSequence();
      const out: number[] = [];
      for await (const token of sequence.evaluate(prompt as Token[], {
        temperature: 0,
        yieldEogToken: true,
      })) {
        out.push(token as number);
        if (out.length === count) break;
      }
      return out;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}
