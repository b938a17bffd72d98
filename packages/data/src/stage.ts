import type { FamilyRecord } from './formats/data-format.js';

/** MedicalGPT's training stages, by their script: pretraining.py, supervised_finetuning.py, ... */
export type Stage = 'pt' | 'sft' | 'rm' | 'dpo' | 'orpo' | 'ppo' | 'grpo';

export const STAGES: readonly Stage[] = ['pt', 'sft', 'rm', 'dpo', 'orpo', 'ppo', 'grpo'];

/** The data each stage reads (§4 of the reference), as types. */
export interface StageFamilyMap {
  pt: 'text';
  sft: 'conversation';
  ppo: 'conversation';
  rm: 'preference';
  dpo: 'preference';
  orpo: 'preference';
  grpo: 'grpo';
}

/** The canonical record a stage's loader returns. */
export type StageRecord<S extends Stage> = FamilyRecord[StageFamilyMap[S]];

/** The data each stage reads (§4 of the reference). */
export const STAGE_FAMILY: { readonly [S in Stage]: StageFamilyMap[S] } = {
  pt: 'text',
  sft: 'conversation',
  ppo: 'conversation',
  rm: 'preference',
  dpo: 'preference',
  orpo: 'preference',
  grpo: 'grpo',
};

/** File extensions each stage's glob picks up: `**\/*.jsonl`, plus `*.txt` for PT and `*.json` for GRPO. */
export const STAGE_EXTENSIONS: Readonly<Record<Stage, readonly string[]>> = {
  pt: ['.txt', '.jsonl'],
  sft: ['.jsonl'],
  ppo: ['.jsonl'],
  rm: ['.jsonl'],
  dpo: ['.jsonl'],
  orpo: ['.jsonl'],
  grpo: ['.jsonl', '.json'],
};

export function isStage(name: string): name is Stage {
  return (STAGES as readonly string[]).includes(name);
}
