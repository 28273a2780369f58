import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from '@fillwire/testing';
import type { BrokerAdapterEvent, BrokerEventSink } from '../src';

/**
 * The broker simulator as a child process (libs may not import tools): real HTTP, WebSocket and
 * socket.io on free ports, stopped with SIGTERM.
 */
export interface SimProcess {
  kiteUrl: string;
  kiteWsUrl: string;
  xtsUrl: string;
  admin(path: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../../..');

export async function startSimProcess(env: Record<string, string> = {}): Promise<SimProcess> {
  const [kitePort, xtsPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/broker-sim/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SIM_KITE_PORT: String(kitePort),
      SIM_XTS_PORT: String(xtsPort),
      SIM_KITE_RATE_LIMIT: '0',
      SIM_XTS_RATE_LIMIT: '0',
      // Postbacks are not under test here; send them nowhere.
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${deadPort}/zerodha/postback`,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const kiteUrl = `http://127.0.0.1:${kitePort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`simulator exited: ${output}`);
        const res = await fetch(`${kiteUrl}/_sim/health`);
        return res.ok;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the broker simulator' },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    kiteUrl,
    kiteWsUrl: `ws://127.0.0.1:${kitePort}`,
    xtsUrl: `http://127.0.0.1:${xtsPort}`,
    async admin(path: string, body?: unknown): Promise<unknown> {
      const res = await fetch(`${kiteUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as { data?: unknown };
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
      return json.data;
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

/** A sink that records what an adapter pushes and lets a test wait for a matching event. */
export class EventCollector implements BrokerEventSink {
  readonly events: BrokerAdapterEvent[] = [];
  private waiters: Array<{ match: (e: BrokerAdapterEvent) => boolean; done: (e: BrokerAdapterEvent) => void }> = [];

  put(event: BrokerAdapterEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.done(event);
      return false;
    });
  }

  /** The first event (already seen or future) matching `match`. */
  next<T extends BrokerAdapterEvent>(match: (e: BrokerAdapterEvent) => e is T, timeoutMs = 15_000, what = 'event'): Promise<T> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<T>((resolveEvent, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; saw ${this.summary()}`)), timeoutMs);
      this.waiters.push({
        match,
        done: (e) => {
          clearTimeout(timer);
          resolveEvent(e as T);
        },
      });
    });
  }

  summary(): string {
    return this.events
      .slice(-15)
      .map((e) => (e.type === 'broker.order' ? `order:${e.data.order.brokerOrderId}:${e.data.order.status}` : e.type === 'broker.connection' ? `conn:${e.data.state}` : e.type === 'broker.error' ? `error:${e.data.error}` : e.type))
      .join(', ');
  }
}

export const isOrder = (id: string, status?: string) =>
  (e: BrokerAdapterEvent): e is Extract<BrokerAdapterEvent, { type: 'broker.order' }> =>
    e.type === 'broker.order' && e.data.order.brokerOrderId === id && (status === undefined || e.data.order.status === status);

export const isState = (state: string, after = 0) =>
  (e: BrokerAdapterEvent): e is Extract<BrokerAdapterEvent, { type: 'broker.connection' }> =>
    e.type === 'broker.connection' && e.data.state === state && e.data.at >= after;

/** A LIMIT price well below the market, on the 0.05 tick. */
export function farBelow(lastPrice: number): number {
  return Number((Math.round((lastPrice * 0.8) / 0.05) * 0.05).toFixed(2));
}
