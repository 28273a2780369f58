/**
 * Runs `step` at start and every `intervalMs`, never two at once (a slow step makes the next tick a
 * no-op). stop() waits for the step in flight, bounded: with Redis gone a step waits on its
 * reconnect and must not hold the exit.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    private readonly step: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** True once stop() was called: a long step checks it between units of work. */
  get stopped(): boolean {
    return this.stopping;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 1_500).unref())]);
  }

  private tick(): void {
    if (this.running || this.stopping) return;
    this.running = this.step()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }
}
