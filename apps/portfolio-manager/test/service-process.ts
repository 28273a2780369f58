import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * portfolio-manager as a child process (its real main.ts), ready once GET /ready answers 200.
 * A minimal local stand-in until libs/testing has a shared process helper.
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

  static async start(env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/portfolio-manager/src/main.ts'], {
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
      { timeoutMs: 30_000, intervalMs: 100, what: 'portfolio-manager /ready' },
    );
    return service;
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
