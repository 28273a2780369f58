import { freePort } from './free-port';
import { NodeProcess, cleanEnv, type Exit } from './node-process';
import { stopProcess, waitForHttpOk } from './child-process-helpers';

/** What a service needs to talk to the simulators: give it to startServiceProcess as is. */
export interface BrokerSimEnv {
  KITE_ROOT_URL: string;
  KITE_WS_URL: string;
  KITE_API_KEY: string;
  KITE_API_SECRET: string;
  XTS_BASE_URL: string;
  XTS_APP_KEY: string;
  XTS_SECRET_KEY: string;
}

export interface BrokerSimProcess {
  /** Kite REST and ticker (ws on the same port). */
  kiteUrl: string;
  /** XTS REST and socket.io. */
  xtsUrl: string;
  /** `<kiteUrl>/_sim`: postbacks, raw frames, faults, ground truth. */
  adminUrl: string;
  env: BrokerSimEnv;
  process: NodeProcess;
  /**
   * JSON call to the admin API, e.g. `admin('/_sim/orders?userId=AB1234')` (GET) or
   * `admin('/_sim/faults', { reset: true })` (POST); resolves with the answer's `data`, rejects
   * on a non-2xx status with the body.
   */
  admin<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** SIGTERM and the exit (bounded, then SIGKILL and a rejection). */
  stop(timeoutMs?: number): Promise<Exit>;
}

const BOOT_MS = 30_000;

/**
 * Runs the broker simulators (tools/broker-sim) as a child process on free ports and resolves once
 * `GET /_sim/health` answers. `env` goes to the simulator: e.g. `ZERODHA_POSTBACK_URL` (pick the
 * postback service's port first with freePort()), `SIM_TICK_MS`, credentials (defaults: the demo
 * ones, which `env` of the result repeats for the services). Without ZERODHA_POSTBACK_URL postbacks
 * go nowhere.
 */
export async function startBrokerSimProcess(env: Record<string, string> = {}): Promise<BrokerSimProcess> {
  const [kitePort, xtsPort] = [
    env.SIM_KITE_PORT ?? (await freePort()),
    env.SIM_XTS_PORT ?? (await freePort()),
  ];
  const host = env.SIM_HOST ?? '127.0.0.1';
  const credentials = {
    KITE_API_KEY: env.KITE_API_KEY ?? 'kite-demo',
    KITE_API_SECRET: env.KITE_API_SECRET ?? 'demo-secret',
    XTS_APP_KEY: env.XTS_APP_KEY ?? 'xts-demo',
    XTS_SECRET_KEY: env.XTS_SECRET_KEY ?? 'demo-secret',
  };
  // Unless told where, postbacks go to a port nobody listens on, never to a stray service on 3002.
  const postbackUrl = env.ZERODHA_POSTBACK_URL ?? `http://127.0.0.1:${await freePort()}/zerodha/postback`;
  const proc = NodeProcess.ts(
    'tools/broker-sim/src/main.ts',
    cleanEnv({
      ...env,
      ...credentials,
      ZERODHA_POSTBACK_URL: postbackUrl,
      SIM_HOST: host,
      SIM_KITE_PORT: String(kitePort),
      SIM_XTS_PORT: String(xtsPort),
    }),
  );
  const kiteUrl = `http://${host}:${kitePort}`;
  const xtsUrl = `http://${host}:${xtsPort}`;
  await waitForHttpOk(proc, `${kiteUrl}/_sim/health`, BOOT_MS, 'broker-sim /_sim/health');
  return {
    kiteUrl,
    xtsUrl,
    adminUrl: `${kiteUrl}/_sim`,
    env: {
      ...credentials,
      KITE_ROOT_URL: kiteUrl,
      KITE_WS_URL: `ws://${host}:${kitePort}`,
      XTS_BASE_URL: xtsUrl,
    },
    process: proc,
    admin: <T>(path: string, body?: unknown) => simAdmin<T>(kiteUrl, path, body),
    stop: (timeoutMs = 10_000) => stopProcess(proc, timeoutMs),
  };
}

async function simAdmin<T>(kiteUrl: string, path: string, body?: unknown): Promise<T> {
  // Only the admin API: a typo'd path must not silently hit the Kite REST surface.
  if (!path.startsWith('/_sim/')) throw new Error(`admin path must start with /_sim/: ${path}`);
  const res = await fetch(`${kiteUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
  return (JSON.parse(text) as { data: T }).data;
}
