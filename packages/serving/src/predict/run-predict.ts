import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AtomicJsonlWriter } from '@medgpt/data';
import { generate } from '@medgpt/models';
import type { InferenceSession } from '../session/inference-session.js';
import { describePredictError, type PredictLineError } from './predict-example.js';
import type { PredictLine } from './read-predict-lines.js';

export interface PredictRunOptions {
  /** The input, line by line, in order. */
  readonly lines: AsyncIterable<PredictLine> | Iterable<PredictLine>;
  readonly outputFile: string;
  /** Questions generated together (`--eval_batch_size`). */
  readonly batchSize: number;
  /** `--system_prompt`, for records without a system prompt of their own. */
  readonly systemPrompt: string;
  /** Each line that cannot be predicted, as it is found. */
  readonly onError: (line: PredictLine & { error: PredictLineError }) => void;
  /** After each batch is written. */
  readonly onBatch?: (summary: PredictSummary) => void;
}

export interface PredictSummary {
  lines: number;
  predicted: number;
  failed: number;
}

/** One line of the output: inference.py's `{"Input", "Output"}`, or the input and why it failed. */
export type PredictOutput =
  { Input: string; Output: string } | { Input: string; Output: null; error: string };

/**
 * demo/inference.py's batch mode: answers the questions `eval_batch_size` at a time (left-padded
 * batches) and writes one JSON line per input line, in input order. A line that cannot be predicted
 * gets an output line carrying its error, so line N of the output always answers line N of the input.
 * The output appears atomically when the run ends; a failed run leaves no partial file.
 */
export async function runPredict(
  session: InferenceSession,
  options: PredictRunOptions,
): Promise<PredictSummary> {
  await mkdir(dirname(options.outputFile), { recursive: true });
  const writer = new AtomicJsonlWriter(options.outputFile);
  const summary: PredictSummary = { lines: 0, predicted: 0, failed: 0 };
  let pending: PredictLine[] = [];
  let batches = 0;
  const flush = async () => {
    const outputs = await answerBatch(session, pending, options.systemPrompt, batches++);
    for (const output of outputs) await writer.write(output);
    pending = [];
    options.onBatch?.({ ...summary });
  };
  try {
    for await (const line of options.lines) {
      summary.lines += 1;
      if ('error' in line) {
        summary.failed += 1;
        options.onError(line);
      } else summary.predicted += 1;
      pending.push(line);
      if (pending.filter((l) => 'example' in l).length >= options.batchSize) await flush();
    }
    if (pending.length > 0) await flush();
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return summary;
}

async function answerBatch(
  session: InferenceSession,
  lines: readonly PredictLine[],
  systemPrompt: string,
  batch: number,
): Promise<PredictOutput[]> {
  const prompts = lines.flatMap((l) =>
    'example' in l
      ? [session.promptIds(l.example.history, l.example.input, l.example.system ?? systemPrompt)]
      : [],
  );
  const texts =
    prompts.length === 0
      ? []
      : (await generate(session.model, prompts, { ...session.generateOptions, seed: session.seedFor(batch) }))
          .texts;
  let next = 0;
  return lines.map((l) =>
    'example' in l
      ? { Input: l.example.input, Output: texts[next++]!.trim() }
      : { Input: l.raw, Output: null, error: describePredictError(l.error) },
  );
}
