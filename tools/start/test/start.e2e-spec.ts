import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NodeProcess, REPO_ROOT as ROOT, cleanEnv, waitFor } from '@fillwire/testing';

// Per-project testTimeout is not applied by Jest's multi-project config; set it here.
jest.setTimeout(120_000);

const PORT_VARS = [
  'ORDER_API_PORT',
  'NOTIFIER_PORT',
  'ZERODHA_POSTBACK_PORT',
  'JAINAM_GATEWAY_PORT',
  'PORTFOLIO_MANAGER_PORT',
];

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (tools/start/start.js)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fillwire-start-'));
  let start: NodeProcess | undefined;
  const pids: number[] = [];

  afterAll(async () => {
    // Graceful first (start.js stops its children); SIGKILL only if that fails.
    start?.signal('SIGTERM');
    await start?.waitExit(30_000).catch(() => undefined);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts its own Redis and the five services, reports a crash, and stops everything on Ctrl-C', async () => {
    const ports: Record<string, number> = {};
    for (const name of [...PORT_VARS, 'FILLWIRE_REDIS_PORT', 'SIM_KITE_PORT', 'SIM_XTS_PORT'])
      ports[name] = await freePort();
    const env = cleanEnv({
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      FILLWIRE_DATA_DIR: dataDir,
      FILLWIRE_DEMO_API_KEY: 'demo-key-from-the-environment',
    });
    start = new NodeProcess(['tools/start/start.js', '--demo-traffic'], env);
    await start.waitForLine(/Press Ctrl-C to stop/, 100_000);

    const banner = start.stdout.join('\n');
    pids.push(...[...banner.matchAll(/pid (\d+)/g)].map((m) => Number(m[1])));
    expect(pids).toHaveLength(6);
    expect(banner).toContain(`Dashboard      http://localhost:${ports.ORDER_API_PORT}/`);
    expect(banner).toContain('demo   demo-key-from-the-environment');
    const demo2 = /demo2 {2}(fw_demo_\S+)/.exec(banner)?.[1];
    expect(demo2).toBeDefined();
    expect(JSON.parse(readFileSync(join(dataDir, 'demo-keys.json'), 'utf8'))).toMatchObject({
      FILLWIRE_DEMO2_API_KEY: demo2,
    });
    expect(banner).toContain(
      `Redis          redis://127.0.0.1:${ports.FILLWIRE_REDIS_PORT} (own, AOF in ${join(dataDir, 'redis')}, pid`,
    );
    expect(banner).toContain(`Logs           ${join(dataDir, 'logs')}/<service>.log`);
    expect(banner).toContain('Demo traffic   on');
    expect(banner).toContain(
      existsSync(join(ROOT, 'tools/broker-sim/src/main.ts'))
        ? `Simulators     Kite http://localhost:${ports.SIM_KITE_PORT}  XTS http://localhost:${ports.SIM_XTS_PORT}`
        : 'Simulators     not started',
    );

    for (const name of PORT_VARS) {
      const res = await fetch(`http://127.0.0.1:${ports[name]}/ready`, { signal: AbortSignal.timeout(5000) });
      expect([name, res.status]).toEqual([name, 200]);
    }

    // --demo-traffic: order-api places sample orders at the simulator.
    if (existsSync(join(ROOT, 'tools/broker-sim/src/main.ts'))) {
      await waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${ports.SIM_KITE_PORT}/_sim/orders`);
          return ((await res.json()) as { data: { orders: unknown[] } }).data.orders.length > 0;
        },
        { timeoutMs: 30_000, intervalMs: 250, what: 'demo-traffic orders at the simulator' },
      );
    }

    // A service that dies is reported with its last lines; the others keep running.
    const pid = Number(/notifier :\d+ \(pid (\d+)\)/.exec(banner)?.[1]);
    process.kill(pid, 'SIGKILL');
    await start.waitForLine(/notifier exited with signal SIGKILL/, 10_000);
    expect((await fetch(`http://127.0.0.1:${ports.ORDER_API_PORT}/health`)).status).toBe(200);

    start.signal('SIGINT');
    await expect(start.waitExit(30_000)).resolves.toEqual({ code: 0, signal: null });
    expect(start.stdout).toEqual(
      expect.arrayContaining(['npm start: stopping Redis...', 'npm start: stopped.']),
    );
    for (const [name, port] of Object.entries(ports)) {
      expect([name, await listening(port)]).toEqual([name, false]);
    }
    expect(pids.filter(alive)).toEqual([]);
    const log = readFileSync(join(dataDir, 'logs', 'order-api.log'), 'utf8');
    expect(log).toContain('"msg":"Redis connection closed"');
  });
});
