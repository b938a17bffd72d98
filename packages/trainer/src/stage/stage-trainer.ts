import { fetchStageModels } from './fetch-stage-models.js';
import { loadStageModel, paddingId, type StageModel } from './load-stage-model.js';
import type { ModelOptions } from './model-options.js';
import type { StageResult, StageRunOptions } from './run-stage.js';
import type { StageHubOptions } from './stage-hub-options.js';

/** What every stage trainer shares: a resolved config, run options, model loading and freeing. */
export abstract class StageTrainer<C extends { model_name_or_path: string }> {
  private running = false;

  protected constructor(
    /** The resolved config: every option with its value (defaults filled in). */
    readonly config: C,
    /** Replaced only by fetchModels, which sets its `hub`. */
    protected run: StageRunOptions,
  ) {}

  /**
   * Downloads the Hub repos the options name (model, tokenizer, adapter, reference model) into the
   * Hugging Face cache before `train()`, reporting `hub.onProgress`, and has the run resolve its ids
   * with the same settings. Optional: `train()` itself resolves what is missing, silently unless
   * StageRunOptions.hub has a callback. Returns each option's directory.
   */
  async fetchModels(hub: StageHubOptions): Promise<Record<string, string>> {
    if (this.running) throw new Error('fetchModels() cannot run while train() is running');
    this.run = { ...this.run, hub: { ...this.run.hub, ...hub } };
    // The stage's own model options (RL: reward, value, teacher) and the kit's translated names.
    return fetchStageModels({ ...this.config, ...this.modelOptions() }, this.run.hub);
  }

  /** Loads the model and the data, trains, and saves the result to output_dir (see StageResult). */
  async train(): Promise<StageResult> {
    if (this.running) throw new Error('train() is already running on this trainer');
    this.running = true;
    const loaded = await this.loadModel();
    try {
      return await this.trainStage(loaded, paddingId(loaded.tokenizer));
    } finally {
      loaded.model.dispose(); // the model's weights (or their trained variables) and nothing else live on
      this.running = false;
    }
  }

  /** The model and tokenizer to train (default: --model_name_or_path as a causal LM). */
  protected loadModel(): Promise<StageModel> {
    return loadStageModel(this.modelOptions(), {}, this.run.hub);
  }

  /**
   * The config under the stage kit's model option names (torch_dtype, target_modules ...). Stages whose
   * flags carry other names (TRL's ModelConfig: dtype, lora_r ...) translate them here.
   */
  protected modelOptions(): ModelOptions {
    return this.config as unknown as ModelOptions;
  }

  protected log(line: string): void {
    (this.run.log ?? ((l: string) => void process.stdout.write(`${l}\n`)))(line);
  }

  protected abstract trainStage(loaded: StageModel, padTokenId: number): Promise<StageResult>;
}
