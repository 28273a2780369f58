/** Resolves when healthy; throws (or resolves `false`/a reason string) when not. */
export type ReadinessCheck = () => Promise<void | boolean | string> | void | boolean | string;

export interface CheckResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
  failing: string[];
}

/**
 * What `/ready` asks. Modules add their own checks (Redis here; broker connections in the
 * gateways); each runs with a timeout so a hung dependency reports as failing instead of hanging
 * the probe. Provided by ObservabilityModule (a factory, so the timeout stays a plain argument).
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly timeoutMs = 2000) {}

  /** Adds or replaces the check with this name. Returns a function that removes it. */
  register(name: string, check: ReadinessCheck): () => void {
    this.checks.set(name, check);
    return () => {
      if (this.checks.get(name) === check) this.checks.delete(name);
    };
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async run(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await this.runOne(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    const failing = entries.filter(([, result]) => !result.ok).map(([name]) => name);
    return { status: failing.length === 0 ? 'ok' : 'unavailable', checks, failing };
  }

  private async runOne(check: ReadinessCheck): Promise<CheckResult> {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(check), timeout]);
      const ms = Math.round((performance.now() - start) * 100) / 100;
      if (outcome === false) return { ok: false, ms, error: 'not ready' };
      if (typeof outcome === 'string') return { ok: false, ms, error: outcome };
      return { ok: true, ms };
    } catch (err) {
      const ms = Math.round((performance.now() - start) * 100) / 100;
      return { ok: false, ms, error: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}
