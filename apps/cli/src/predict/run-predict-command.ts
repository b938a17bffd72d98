import { builtInLines, describePredictError, readPredictLines, runPredict } from '@medgpt/serving';
import type { CliIo } from '../cli-io.js';
import { EXIT_FAILED, EXIT_OK } from '../command.js';
import type { InferenceFlags } from '../inference/inference-options.js';
import { loadInferenceSession } from '../inference/load-inference-session.js';

export interface PredictJob {
  /** The input file, resolved (undefined: inference.py's built-in questions). */
  readonly dataFile?: string;
  /** How the user wrote it, for messages. */
  readonly dataFileName?: string;
  readonly outputFile: string;
  readonly outputFileName: string;
  readonly batchSize: number;
  readonly maxIssues: number;
}

/** `medgpt predict` once its options are checked: load the model, answer every line, report. */
export async function runPredictCommand(flags: InferenceFlags, job: PredictJob, io: CliIo): Promise<number> {
  const log = (line: string) => io.stderr(`${line}\n`);
  const session = await loadInferenceSession(flags, io, log);
  let printed = 0;
  try {
    const summary = await runPredict(session, {
      lines: job.dataFile === undefined ? builtInLines() : readPredictLines(job.dataFile),
      outputFile: job.outputFile,
      batchSize: job.batchSize,
      systemPrompt: flags.system_prompt ?? '',
      onError: ({ line, error }) => {
        if (printed++ < job.maxIssues)
          log(`${job.dataFileName ?? '<built-in examples>'}:${line}: error: ${describePredictError(error)}`);
      },
      onBatch: (s) => log(`[medgpt] predict: ${s.lines} lines read, ${s.predicted} answered`),
    });
    io.stdout(
      `${summary.lines} lines: ${summary.predicted} answered, ${summary.failed} failed\n` +
        `Saved to ${job.outputFileName}, size: ${summary.lines}\n`,
    );
    return summary.failed > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    session.dispose();
  }
}
