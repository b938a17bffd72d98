import {
  CPO_DEFAULTS,
  CPO_OPTION_DOCS,
  CPO_TRAINING_DEFAULTS,
  CpoTrainer,
  SIMPO_DEFAULTS,
  SIMPO_TRAINING_DEFAULTS,
  SimpoTrainer,
  type CpoConfigInput,
} from '@medgpt/trainers-pref';
import { defineTrainingCommand } from './define-training-command.js';

const DATA = '--model_name_or_path outputs-sft --train_file_dir data/medicalgpt/reward';

/** `medgpt cpo`: TRL's CPOTrainer (contrastive preference optimization), reference-free. */
export const cpoCommand = defineTrainingCommand({
  name: 'cpo',
  summary: 'contrastive preference optimization, reference-free (TRL CPO; --loss_type simpo for SimPO)',
  description:
    "TRL's CPOTrainer on DPO's data: -logσ(β(log p(chosen) - log p(rejected))) plus --cpo_alpha times the\n" +
    'chosen NLL; --loss_type hinge, ipo, or simpo (per-token means, margin --simpo_gamma). No reference model.',
  examples: [`medgpt cpo ${DATA} --output_dir outputs-cpo --beta 0.1 --cpo_alpha 1`],
  docs: CPO_OPTION_DOCS,
  defaults: { ...CPO_TRAINING_DEFAULTS, ...CPO_DEFAULTS },
  trainer: (config, log) => new CpoTrainer(config as CpoConfigInput, { log }),
});

/** `medgpt simpo`: pure SimPO, i.e. cpo with loss simpo, no NLL term and SimPO's scale. */
export const simpoCommand = defineTrainingCommand({
  name: 'simpo',
  summary: 'SimPO: length-normalised, reference-free preference optimization (= cpo --loss_type simpo)',
  description:
    'SimPO (Meng et al. 2024): -logσ(β(mean log p(chosen) - mean log p(rejected)) - γ), no reference model,\n' +
    'no NLL term (--cpo_alpha 0). Defaults follow the SimPO paper: β 2, γ (--simpo_gamma) 1.',
  examples: [`medgpt simpo ${DATA} --output_dir outputs-simpo --beta 2 --simpo_gamma 1`],
  docs: CPO_OPTION_DOCS,
  defaults: { ...SIMPO_TRAINING_DEFAULTS, ...SIMPO_DEFAULTS },
  trainer: (config, log) => new SimpoTrainer(config as CpoConfigInput, { log }),
});
