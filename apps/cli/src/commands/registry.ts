import type { Command } from '../command.js';
import { chatCommand } from './chat.js';
import { chatPdfCommand } from './chatpdf.js';
import { convertCommand } from './convert.js';
import { demoCommand } from './demo.js';
import { evalCommand } from './eval.js';
import { exportGgufCommand } from './export-gguf.js';
import { grpoCommand } from './grpo.js';
import { launchCommand } from './launch.js';
import { rlooCommand } from './rloo.js';
import { ppoCommand } from './ppo.js';
import { distillCommand } from './distill.js';
import { mergeCommand } from './merge.js';
import { ptCommand } from './pt.js';
import { sftCommand } from './sft.js';
import { predictCommand } from './predict.js';
import { quantizeCommand } from './quantize.js';
import { serveCommand } from './serve.js';
import { cpoCommand, simpoCommand } from './cpo.js';
import { dpoCommand } from './dpo.js';
import { rmCommand } from './rm.js';
import { ktoCommand } from './kto.js';
import { orpoCommand } from './orpo.js';
import { validateCommand } from './validate.js';

/**
 * Every `medgpt` command, in --help order. Add a command: one file in this folder, one line here. (The
 * cast forgets each command's own option types, which only its run function needs.)
 */
export const COMMANDS: readonly Command[] = [
  validateCommand as unknown as Command,
  convertCommand as unknown as Command,
  chatCommand as unknown as Command,
  chatPdfCommand as unknown as Command,
  predictCommand as unknown as Command,
  serveCommand as unknown as Command,
  mergeCommand as unknown as Command,
  exportGgufCommand as unknown as Command,
  quantizeCommand as unknown as Command,
  evalCommand as unknown as Command,
  ptCommand as unknown as Command,
  sftCommand as unknown as Command,
  rmCommand,
  dpoCommand,
  orpoCommand,
  simpoCommand,
  cpoCommand,
  ktoCommand,
  grpoCommand,
  rlooCommand,
  ppoCommand,
  distillCommand,
  launchCommand as unknown as Command,
  demoCommand as unknown as Command,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
