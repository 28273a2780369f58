import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';

/**
 * The broker simulator as a child process (apps may not import tools). A local stand-in until
 * libs/testing has startBrokerSimProcess.
 */
export interface SimProcess {
  kiteUrl: string;
  xtsUrl: string;
  admin<T = unknown>(path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export const ROOT = resolve(__dirname, '../../..');

export async function startSimProcess(env: Record<string, string> = {}): Promise<SimProcess> {
  const [kitePort, xtsPort, deadPort] = [await freePort(), await freePort(), await freePort()];
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
        SIM_PARTIAL_FILL_PROBABILITY: '0',
        ZERODHA_POSTBACK_URL: `http://127.0.0.1:${deadPort}/zerodha/postback`,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const kiteUrl = `http://127.0.0.1:${kitePort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`simulator exited: ${output}`);
        return (await fetch(`${kiteUrl}/_sim/health`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the broker simulator' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kiteUrl,
    xtsUrl: `http://127.0.0.1:${xtsPort}`,
    async admin<T>(path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${kiteUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as { data?: unknown };
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
      return json.data as T;
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
