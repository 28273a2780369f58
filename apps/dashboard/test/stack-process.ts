import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * One process of the stack (an app's real main.ts or the broker simulator) on a free port, ready
 * once its readiness URL answers 200. A local stand-in until libs/testing has a shared helper.
 */
export class StackProcess {
  private tail = '';
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    const keep = (d: Buffer) => (this.tail = (this.tail + d.toString()).slice(-4000));
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((done) => proc.once('exit', () => done()));
  }

  static async start(
    name: string,
    entry: string,
    env: Record<string, string>,
    readyUrl: string,
  ): Promise<StackProcess> {
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new StackProcess(name, proc);
    try {
      await waitFor(
        async () => {
          if (proc.exitCode !== null) throw new Error(`${name} exited: ${started.tail}`);
          return (await fetch(readyUrl).catch(() => null))?.ok ?? false;
        },
        { timeoutMs: 90_000, intervalMs: 250, what: `${name} at ${readyUrl}` },
      );
    } catch (error) {
      proc.kill('SIGKILL');
      throw error;
    }
    return started;
  }

  get output(): string {
    return this.tail;
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface Stack {
  dashboardUrl: string;
  /** The Kite simulator (and its /_sim admin API). */
  simUrl: string;
  notifierWsUrl: string;
  processes: StackProcess[];
  stop(): Promise<void>;
}

/**
 * The broker simulator and the services the dashboard needs (order-api, notifier,
 * zerodha-postback, portfolio-manager) as child processes on free ports, with one environment
 * as `npm start` gives them.
 */
export async function startStack(env: Record<string, string>): Promise<Stack> {
  const [kite, xts, orderApi, notifier, postback, portfolio] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const shared = {
    ...env,
    KITE_ROOT_URL: `http://127.0.0.1:${kite}`,
    KITE_WS_URL: `ws://127.0.0.1:${kite}`,
    XTS_BASE_URL: `http://127.0.0.1:${xts}`,
    ZERODHA_POSTBACK_URL: `http://127.0.0.1:${postback}/zerodha/postback`,
    SIM_KITE_PORT: String(kite),
    SIM_XTS_PORT: String(xts),
    SIM_PARTIAL_FILL_PROBABILITY: '0',
  };
  const processes: StackProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  try {
    processes.push(
      await StackProcess.start(
        'broker-sim',
        'tools/broker-sim/src/main.ts',
        shared,
        `http://127.0.0.1:${kite}/_sim/health`,
      ),
    );
    const apps: Array<[string, number]> = [
      ['order-api', orderApi],
      ['notifier', notifier],
      ['zerodha-postback', postback],
      ['portfolio-manager', portfolio],
    ];
    const started = await Promise.allSettled(
      apps.map(([name, port]) =>
        StackProcess.start(
          name,
          `apps/${name}/src/main.ts`,
          { ...shared, PORT: String(port) },
          `http://127.0.0.1:${port}/ready`,
        ),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') processes.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dashboardUrl: `http://127.0.0.1:${orderApi}/`,
    simUrl: `http://127.0.0.1:${kite}`,
    notifierWsUrl: `ws://127.0.0.1:${notifier}/ws`,
    processes,
    stop,
  };
}
