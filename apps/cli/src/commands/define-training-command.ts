// One shape for every training command (pt, sft, rm, dpo, orpo, cpo, simpo, kto): the library's option
// docs and defaults make the schema, and the library's trainer runs it.
import { DEFAULT_TRAINING_ARGUMENTS, TRAINING_ARGUMENT_DOCS, type OptionDoc } from '@medgpt/trainer';
import { defineCommand, type Command } from '../command.js';
import { runTrainingCommand, trainingOptionSchema, type StageRunner } from './training-options.js';

export interface TrainingCommandSpec {
  name: string;
  summary: string;
  description: string;
  examples: string[];
  /** The stage's option docs (TrainingArguments' are added). */
  docs: Record<string, OptionDoc>;
  /** The stage's defaults: its options and its TrainingArguments overrides (output_dir ...). */
  defaults: Record<string, unknown>;
  /** Options that must be given (default: model_name_or_path and train_file_dir). */
  required?: readonly string[];
  /** The library trainer for a resolved set of options. */
  trainer: (config: Record<string, unknown>, log: (line: string) => void) => StageRunner;
}

export function defineTrainingCommand(spec: TrainingCommandSpec): Command {
  const docs = { ...spec.docs, ...TRAINING_ARGUMENT_DOCS };
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    examples: spec.examples,
    options: trainingOptionSchema(
      docs,
      { ...DEFAULT_TRAINING_ARGUMENTS, ...spec.defaults },
      spec.required ?? ['model_name_or_path', 'train_file_dir'],
    ),
    run: (options, { io }) => runTrainingCommand(options, docs, io, spec.trainer),
  }) as unknown as Command;
}
