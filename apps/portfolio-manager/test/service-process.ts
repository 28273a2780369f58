import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * An app as a child process (its real main.ts; portfolio-manager by default), ready once GET /ready
 * answers 200. A local stand-in: libs/testing has no shared process helper yet.
 */
export class ServiceProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
  ) {
    proc.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    proc.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((done) => proc.once('exit', (code) => done(code)));
  }

  static async start(
    env: Record<string, string>,
    app = 'portfolio-manager',
    port?: number,
  ): Promise<ServiceProcess> {
    port ??= await freePort();
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(proc, port);
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`exited: ${service.output.join('')}`);
        return (await fetch(`http://127.0.0.1:${port}/ready`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `${app} /ready` },
    );
    return service;
  }

  /** Lines written so far that match (JSON log lines are searched as text). */
  logs(match: RegExp): string[] {
    return this.output
      .join('')
      .split('\n')
      .filter((l) => match.test(l));
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
