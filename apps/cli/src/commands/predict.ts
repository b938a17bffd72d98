import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../args/usage-error.js';
import { defineCommand } from '../command.js';
import { INFERENCE_OPTIONS } from '../inference/inference-options.js';

/** inference.py's default output file. */
const DEFAULT_OUTPUT = './predictions_result.jsonl';

/** `medgpt predict`: MedicalGPT's demo/inference.py batch mode (no --interactive). */
export const predictCommand = defineCommand({
  name: 'predict',
  summary: 'answer every line of a file in batches; one JSON line out per line in, in order',
  description:
    "MedicalGPT's demo/inference.py without --interactive. --data_file holds one question per line (.txt)\n" +
    'or one record per line (.jsonl/.json: ShareGPT conversations, OpenAI messages, Alpaca\n' +
    'instruction/input, or an Input/question/prompt/query field; a conversation is asked its last user\n' +
    'turn with the turns before it as history). Without --data_file the two built-in questions of\n' +
    'inference.py are asked. Each output line is {"Input": ..., "Output": ...}; a line that cannot be read\n' +
    'is reported as file:line and gets {"Input": ..., "Output": null, "error": ...}, so output line N\n' +
    'answers input line N. The output file is written atomically at the end. Exits 1 when a line failed.',
  examples: [
    'medgpt predict --base_model outputs-sft-qwen --data_file questions.txt --output_file answers.jsonl',
    'medgpt predict --base_model merged --template_name qwen --data_file test.jsonl --eval_batch_size 8 --temperature 0',
  ],
  options: {
    ...INFERENCE_OPTIONS,
    data_file: {
      type: 'string',
      metavar: 'PATH',
      description: 'questions: .txt one per line, or .jsonl records (default: two built-in examples)',
    },
    output_file: {
      type: 'string',
      metavar: 'PATH',
      description: `where the answers go, one JSON line each (default ${DEFAULT_OUTPUT})`,
    },
    predictions_file: {
      type: 'string',
      metavar: 'PATH',
      description: "the same as --output_file (MedicalGPT README_EN's name)",
    },
    eval_batch_size: {
      type: 'integer',
      default: 4,
      metavar: 'N',
      description: 'questions generated together',
    },
    max_issues: {
      type: 'integer',
      default: 50,
      metavar: 'N',
      description: 'bad lines printed (all are counted)',
    },
  },
  async run(options, { io }) {
    const output = outputPath(options.output_file, options.predictions_file);
    if (options.eval_batch_size < 1)
      throw new UsageError(`--eval_batch_size must be at least 1, got ${options.eval_batch_size}`);
    const dataFile = options.data_file === undefined ? undefined : resolve(io.cwd, options.data_file);
    if (dataFile !== undefined) await expectFile(dataFile, options.data_file!);
    // Loaded on use: the tensor engine and the models stay out of `medgpt validate`'s start-up.
    const { runPredictCommand } = await import('../predict/run-predict-command.js');
    return runPredictCommand(
      options,
      {
        dataFile,
        dataFileName: options.data_file,
        outputFile: resolve(io.cwd, output),
        outputFileName: output,
        batchSize: options.eval_batch_size,
        maxIssues: options.max_issues,
      },
      io,
    );
  },
});

function outputPath(outputFile: string | undefined, predictionsFile: string | undefined): string {
  if (outputFile !== undefined && predictionsFile !== undefined && outputFile !== predictionsFile)
    throw new UsageError(
      `--output_file ${outputFile} and --predictions_file ${predictionsFile} disagree`,
      'they name the same file; give one',
    );
  return outputFile ?? predictionsFile ?? DEFAULT_OUTPUT;
}

async function expectFile(path: string, given: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info === null) throw new Error(`--data_file ${given}: no such file or directory`);
  if (!info.isFile()) throw new Error(`--data_file ${given}: not a file`);
}
