/** A stop that was asked for by a signal. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a request the loop checks after each optimizer step, so it
 * can save a checkpoint and return instead of dying mid-write. A second SIGINT exits at once (130),
 * for when saving takes too long. The loop must yield to the event loop between steps for the
 * handlers to run.
 */
export class StopSignals {
  private signal: StopSignal | null = null;
  private readonly onSigint = () => this.request('SIGINT');
  private readonly onSigterm = () => this.request('SIGTERM');

  constructor(private readonly notify: (message: string) => void = () => undefined) {}

  /** The signal received, or null. */
  get requested(): StopSignal | null {
    return this.signal;
  }

  install(): this {
    process.on('SIGINT', this.onSigint);
    process.on('SIGTERM', this.onSigterm);
    return this;
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
  }

  private request(signal: StopSignal): void {
    if (this.signal === 'SIGINT' && signal === 'SIGINT') {
      this.notify('second SIGINT: exiting without saving');
      process.exit(130);
    }
    this.signal ??= signal;
    this.notify(
      `${signal}: stopping after this step and saving a checkpoint (press Ctrl-C again to quit at once)`,
    );
  }
}
