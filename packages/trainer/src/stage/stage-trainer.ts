import { loadStageModel, paddingId, type StageModel } from './load-stage-model.js';
import type { ModelOptions } from './model-options.js';
import type { StageResult, StageRunOptions } from './run-stage.js';

/** What every stage trainer shares: a resolved config, run options, model loading and freeing. */
export abstract class StageTrainer<C extends ModelOptions> {
  private running = false;

  protected constructor(
    /** The resolved config: every option with its value (defaults filled in). */
    readonly config: C,
    protected readonly run: StageRunOptions,
  ) {}

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
    return loadStageModel(this.config);
  }

  protected log(line: string): void {
    (this.run.log ?? ((l: string) => void process.stdout.write(`${l}\n`)))(line);
  }

  protected abstract trainStage(loaded: StageModel, padTokenId: number): Promise<StageResult>;
}
