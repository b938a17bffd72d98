import { resolveModelDir } from '@medgpt/hub';
import { loadTokenizer } from '@medgpt/tokenizer';
import { ConfigError, loadTrainingModel, type StageModel, type StageResult } from '@medgpt/trainer';
import { ROLLOUT_DEFAULTS } from '../config/rollout-options.js';
import { stageModelOptions } from '../config/trl-model-options.js';
import { conversationPrompts } from '../rollout/conversation-prompts.js';
import { RolloutTrainer, type RolloutRunOptions } from '../rollout/rollout-trainer.js';
import { runRolloutStage } from '../rollout/run-rollout-stage.js';
import { resolveDistillConfig, type DistillConfig, type DistillConfigInput } from './distill-config.js';
import { DistillTask } from './distill-task.js';

/** Text whose ids two tokenizers must agree on to share logits position by position. */
const PROBE = 'Fever in children: 小儿发热怎么办？ 38.5°C, ibuprofen 10 mg/kg.';

/**
 * On-policy distillation (MedicalGPT's opd_training.py over TRL's GKDTrainer): the student samples
 * answers to the conversations' prompts with the serving engine (a λ share of the steps; the others use
 * the data's answers), the frozen teacher scores the same tokens, and the student learns the teacher's
 * next-token distributions through the generalised JSD (β). Teacher and student must share a tokenizer.
 */
export class DistillTrainer extends RolloutTrainer<DistillConfig> {
  constructor(config: DistillConfigInput, run: RolloutRunOptions = {}) {
    super(resolveDistillConfig(config), run);
  }

  protected async trainStage({ model, tokenizer: base }: StageModel): Promise<StageResult> {
    const c = this.config;
    const setup = this.promptSetup(base);
    const data = await conversationPrompts(
      c.train_file_dir,
      setup.format,
      setup.tokenizer,
      c.max_prompt_length,
      c.tool_format,
    );
    this.log(
      `distill data: ${data.records} records read, ${data.invalid} invalid; ${data.examples.length} samples (one per assistant turn)`,
    );
    const dir = await resolveModelDir(c.teacher_model_name_or_path, {
      ...this.run.hub,
      kind: 'model',
      option: 'teacher_model_name_or_path',
    });
    const teacherTokenizer = await loadTokenizer(dir);
    const same = (t: typeof base) => JSON.stringify(t.encode(PROBE, { addSpecialTokens: false }));
    if (teacherTokenizer.vocabSize !== base.vocabSize || same(teacherTokenizer) !== same(base))
      throw new ConfigError(
        'teacher_model_name_or_path',
        c.teacher_model_name_or_path,
        "a teacher with the student's tokenizer",
        'distillation compares the two models token by token',
      );
    const teacher = await loadTrainingModel(dir, {
      ...stageModelOptions(c),
      model_name_or_path: dir,
      load_in_4bit: c.teacher_load_in_4bit,
      load_in_8bit: c.teacher_load_in_8bit,
      qlora: false,
    });
    if (teacher.config.vocabSize !== model.config.vocabSize)
      throw new ConfigError(
        'teacher_model_name_or_path',
        c.teacher_model_name_or_path,
        `a teacher with vocab_size ${model.config.vocabSize} (the student's)`,
      );
    try {
      return await runRolloutStage({
        stage: 'distill',
        config: {
          ...ROLLOUT_DEFAULTS,
          ...c,
          num_generations: 1,
          max_completion_length: c.max_new_tokens,
          beta: 0,
          reward_model_path: null,
        },
        model,
        tokenizer: setup.tokenizer,
        examples: data.examples,
        rewards: [],
        rewardWeights: () => [],
        allowNoRewards: true,
        describe: () =>
          `distill: λ ${c.opd_lambda} on-policy, β ${c.opd_beta} (${c.opd_beta === 0 ? 'forward KL' : c.opd_beta === 1 ? 'reverse KL' : 'generalised JSD'}), temperature ${c.temperature}; teacher ${dir}`,
        task: (common) =>
          new DistillTask({
            ...common,
            teacher,
            tokenizer: setup.tokenizer,
            lmbda: c.opd_lambda,
            jsdBeta: c.opd_beta,
          }),
        run: this.run,
        log: (line) => this.log(line),
      });
    } finally {
      teacher.dispose();
    }
  }
}
