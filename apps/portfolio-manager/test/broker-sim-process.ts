import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface BrokerSimProcess {
  kiteUrl: string;
  wsUrl: string;
  xtsUrl: string;
  /** JSON call to the admin API (`/_sim/...`); returns `data`. */
  admin<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The simulators as a child process (apps may not import tools/), ready once /_sim/health answers.
 * A local stand-in: libs/testing has no shared startBrokerSimProcess yet.
 */
export async function startBrokerSimProcess(env: Record<string, string>): Promise<BrokerSimProcess> {
  const kitePort = await freePort();
  const xtsPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'tools/broker-sim/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        SIM_KITE_PORT: String(kitePort),
        SIM_XTS_PORT: String(xtsPort),
        SIM_TICK_MS: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const kiteUrl = `http://127.0.0.1:${kitePort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`broker-sim exited: ${stderr}`);
        return (await fetch(`${kiteUrl}/_sim/health`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'broker-sim /_sim/health' },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    kiteUrl,
    wsUrl: `ws://127.0.0.1:${kitePort}`,
    xtsUrl: `http://127.0.0.1:${xtsPort}`,
    async admin<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${kiteUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as { data?: T };
      if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
      return (json.data ?? json) as T;
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
