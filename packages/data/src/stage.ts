import type { DataFamily, FamilyRecord } from './formats/data-format.js';

/**
 * MedicalGPT's training stages, by their script: pretraining.py, supervised_finetuning.py, ... SimPO,
 * CPO and KTO have no MedicalGPT script; they read data as dpo_training.py does (TRL's trainers).
 */
export type Stage = 'pt' | 'sft' | 'rm' | 'dpo' | 'orpo' | 'simpo' | 'cpo' | 'kto' | 'ppo' | 'grpo';

export const STAGES: readonly Stage[] = [
  'pt',
  'sft',
  'rm',
  'dpo',
  'orpo',
  'simpo',
  'cpo',
  'kto',
  'ppo',
  'grpo',
];

/** The data each stage's loader returns (§4 of the reference), as types. */
export interface StageFamilyMap {
  pt: 'text';
  sft: 'conversation';
  ppo: 'conversation';
  rm: 'preference';
  dpo: 'preference';
  orpo: 'preference';
  simpo: 'preference';
  cpo: 'preference';
  kto: 'unpaired';
  grpo: 'grpo';
}

/** The canonical record a stage's loader returns. */
export type StageRecord<S extends Stage> = FamilyRecord[StageFamilyMap[S]];

/** The data each stage's loader returns (§4 of the reference). */
export const STAGE_FAMILY: { readonly [S in Stage]: StageFamilyMap[S] } = {
  pt: 'text',
  sft: 'conversation',
  ppo: 'conversation',
  rm: 'preference',
  dpo: 'preference',
  orpo: 'preference',
  simpo: 'preference',
  cpo: 'preference',
  kto: 'unpaired',
  grpo: 'grpo',
};

/**
 * The families a stage accepts in its files: its own, and for KTO also paired preference rows, which
 * TRL's KTOTrainer unpairs (each pair gives a desirable and an undesirable row; see `unpairedRows`).
 */
export const STAGE_FAMILIES: Readonly<Record<Stage, readonly DataFamily[]>> = {
  pt: ['text'],
  sft: ['conversation'],
  ppo: ['conversation'],
  rm: ['preference'],
  dpo: ['preference'],
  orpo: ['preference'],
  simpo: ['preference'],
  cpo: ['preference'],
  kto: ['unpaired', 'preference'],
  grpo: ['grpo'],
};

/** File extensions each stage's glob picks up: `**\/*.jsonl`, plus `*.txt` for PT and `*.json` for GRPO. */
export const STAGE_EXTENSIONS: Readonly<Record<Stage, readonly string[]>> = {
  pt: ['.txt', '.jsonl'],
  sft: ['.jsonl'],
  ppo: ['.jsonl'],
  rm: ['.jsonl'],
  dpo: ['.jsonl'],
  orpo: ['.jsonl'],
  simpo: ['.jsonl'],
  cpo: ['.jsonl'],
  kto: ['.jsonl'],
  grpo: ['.jsonl', '.json'],
};

export function isStage(name: string): name is Stage {
  return (STAGES as readonly string[]).includes(name);
}
