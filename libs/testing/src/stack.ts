import { randomBytes } from 'node:crypto';
import { freePort } from './free-port';
import { NodeProcess, cleanEnv, type Exit } from './node-process';
import { startBrokerSimProcess, type BrokerSimProcess } from './broker-sim-process';
import { startServiceProcess, type ServiceApp, type ServiceProcess } from './service-process';
import { testPrefix, testRedisUrl } from './test-redis';

export const STACK_APPS: readonly ServiceApp[] = [
  'order-api',
  'notifier',
  'zerodha-postback',
  'jainam-gateway',
  'portfolio-manager',
];

/** A broker account a gateway follows and the Fillwire user it belongs to. */
export interface StackAccount {
  accountId: string;
  userId: string;
  /**
   * XTS only: the account's own key pair. The simulator gets a user for it (SIM_XTS_USERS), since
   * XTS keeps one session per key pair; without it the account logs in with XTS_APP_KEY.
   */
  appKey?: string;
  secretKey?: string;
}

/** The simulator's built-in users; other accounts are added to it (SIM_KITE_USERS, SIM_XTS_USERS). */
const SIM_DEFAULT_KITE_USERS = new Set(['AB1234', 'CD5678']);

export interface StackOptions {
  /** To every service: e.g. REDIS_URL (default the run's test Redis), FILLWIRE_PREFIX (default fresh). */
  env?: Record<string, string>;
  /** Per service, on top of `env`. */
  serviceEnv?: Partial<Record<ServiceApp, Record<string, string>>>;
  /** To broker-sim (e.g. SIM_PARTIAL_FILL_PROBABILITY, default 0; SIM_TICK_MS, SIM_SEED). */
  simEnv?: Record<string, string>;
  /** Which services (default all five). */
  apps?: readonly ServiceApp[];
  /** Processes per service (default 1). The simulator posts Kite postbacks to zerodha-postback #0. */
  replicas?: Partial<Record<ServiceApp, number>>;
  /** Kite accounts zerodha-postback follows (ZERODHA_ACCOUNTS); default the demo ones. */
  kiteAccounts?: readonly StackAccount[];
  /** XTS accounts jainam-gateway follows (JAINAM_ACCOUNTS); default the demo one. */
  xtsAccounts?: readonly StackAccount[];
  /** How long each service may take to become ready (default 90 s). */
  readyTimeoutMs?: number;
}

/** One service process of the stack; keeps its port across kill/restart so clients can come back. */
export interface StackService {
  readonly app: ServiceApp;
  readonly replica: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The current process (a new one after restart()). */
  readonly process: NodeProcess;
  readonly pid: number | undefined;
  /** Whether the current process is running. */
  readonly running: boolean;
  /** Everything every process of this service printed, killed ones included, one section per run. */
  readonly output: string;
  /** Sends `signal` (default SIGKILL) and resolves with the exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
  /** Starts the service again on the same port with the same env; resolves once it is ready. */
  restart(): Promise<void>;
  /** Resolves once `GET /ready` answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM and the exit (bounded). */
  stop(timeoutMs?: number): Promise<Exit>;
}

export interface Stack {
  sim: BrokerSimProcess;
  redisUrl: string;
  prefix: string;
  /** The demo users' API keys (FILLWIRE_DEMO_API_KEY / FILLWIRE_DEMO2_API_KEY, generated when not given). */
  apiKeys: { demo: string; demo2: string };
  /** The environment every service got (with the simulator's URLs and credentials). */
  env: Record<string, string>;
  services: StackService[];
  /** A service process: `service('notifier', 1)` is the second notifier. */
  service(app: ServiceApp, replica?: number): StackService;
  /** `http://127.0.0.1:<port>` of replica 0. */
  url(app: ServiceApp): string;
  /** order-api serves the dashboard at its root. */
  dashboardUrl: string;
  /** `ws://127.0.0.1:<port>/ws` of notifier #0. */
  notifierWsUrl: string;
  /** Runs `npm run fillwire -- <args>` against the stack's Redis and prefix (e.g. accounts link). */
  cli(...args: string[]): Promise<{ code: number | null; out: string }>;
  stop(): Promise<void>;
}

/** The simulator users the accounts need beyond its built-in ones. */
function simUsers(options: StackOptions): Record<string, string> {
  const kite = (options.kiteAccounts ?? [])
    .map((a) => a.accountId)
    .filter((id) => !SIM_DEFAULT_KITE_USERS.has(id));
  const xts = (options.xtsAccounts ?? []).flatMap((a) =>
    a.appKey && a.secretKey ? [`${a.accountId}:${a.appKey}:${a.secretKey}`] : [],
  );
  return {
    ...(kite.length > 0 ? { SIM_KITE_USERS: kite.join(',') } : {}),
    ...(xts.length > 0 ? { SIM_XTS_USERS: xts.join(',') } : {}),
  };
}

const accountList = (accounts: readonly StackAccount[]): string =>
  accounts.map((a) => `${a.accountId}:${a.userId}`).join(',');

/**
 * The broker simulator and the services as child processes on free ports with one environment, as
 * `npm start` runs them; resolves once every service is ready (gateways' accounts connected).
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const apps = options.apps ?? STACK_APPS;
  const readyMs = options.readyTimeoutMs ?? 90_000;
  const redisUrl = options.env?.REDIS_URL ?? (await testRedisUrl());
  const prefix = options.env?.FILLWIRE_PREFIX ?? testPrefix('stack');
  const newKey = (): string => `fw_stack_${randomBytes(12).toString('base64url')}`;
  const apiKeys = {
    demo: options.env?.FILLWIRE_DEMO_API_KEY ?? newKey(),
    demo2: options.env?.FILLWIRE_DEMO2_API_KEY ?? newKey(),
  };
  // Ports first: the simulator must know where zerodha-postback #0 will listen before either starts.
  const plan: Array<{ app: ServiceApp; replica: number; port: number }> = [];
  for (const app of apps) {
    for (let replica = 0; replica < (options.replicas?.[app] ?? 1); replica++)
      plan.push({ app, replica, port: await freePort() });
  }
  const postback = plan.find((p) => p.app === 'zerodha-postback');
  const orderApi = plan.find((p) => p.app === 'order-api');
  // The simulators read the same credentials as the services, so both agree.
  const credentials = Object.fromEntries(
    ['KITE_API_KEY', 'KITE_API_SECRET', 'XTS_APP_KEY', 'XTS_SECRET_KEY'].flatMap((k) =>
      options.env?.[k] ? [[k, options.env[k]]] : [],
    ),
  );
  const sim = await startBrokerSimProcess({
    SIM_PARTIAL_FILL_PROBABILITY: '0',
    LOG_LEVEL: 'warn',
    ...credentials,
    ...simUsers(options),
    ...(orderApi
      ? { SIM_KITE_REDIRECT_URL: `http://127.0.0.1:${orderApi.port}/v1/brokers/zerodha/callback` }
      : {}),
    ...options.simEnv,
    ...(postback ? { ZERODHA_POSTBACK_URL: `http://127.0.0.1:${postback.port}/zerodha/postback` } : {}),
  });
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    ...options.env,
    REDIS_URL: redisUrl,
    FILLWIRE_PREFIX: prefix,
    FILLWIRE_DEMO_API_KEY: apiKeys.demo,
    FILLWIRE_DEMO2_API_KEY: apiKeys.demo2,
    ...sim.env,
    ...(postback ? { ZERODHA_POSTBACK_URL: `http://127.0.0.1:${postback.port}/zerodha/postback` } : {}),
    ...(options.kiteAccounts ? { ZERODHA_ACCOUNTS: accountList(options.kiteAccounts) } : {}),
    ...(options.xtsAccounts
      ? { JAINAM_ACCOUNTS: JSON.stringify(options.xtsAccounts.map((a) => ({ ...a }))) }
      : {}),
  };
  const services = plan.map(({ app, replica, port }) =>
    stackService(app, replica, port, { ...env, ...options.serviceEnv?.[app], PORT: String(port) }),
  );
  const stop = async (): Promise<void> => {
    // Stop every process even if one of them takes too long (stop kills it and rejects).
    const stopped = await Promise.allSettled([...services.map((s) => s.stop()), sim.stop()]);
    const failed = stopped.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const started = await Promise.allSettled(services.map((s) => s.start(readyMs)));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop().catch(() => undefined);
    throw failed.reason;
  }
  const service = (app: ServiceApp, replica = 0): StackService => {
    const found = services.find((s) => s.app === app && s.replica === replica);
    if (!found) throw new Error(`${app} #${replica} is not in the stack`);
    return found;
  };
  const notifier = services.find((s) => s.app === 'notifier');
  return {
    sim,
    redisUrl,
    prefix,
    apiKeys,
    env,
    services,
    service,
    url: (app) => service(app).url,
    dashboardUrl: services.some((s) => s.app === 'order-api') ? `${service('order-api').url}/` : '',
    notifierWsUrl: notifier ? `${notifier.url.replace('http', 'ws')}/ws` : '',
    cli: async (...args) => {
      const proc = new NodeProcess(
        ['-r', '@swc-node/register', 'tools/cli/src/main.ts', ...args],
        cleanEnv(env),
      );
      const exit = await proc.waitExit(60_000);
      return { code: exit.code, out: proc.output };
    },
    stop,
  };
}

interface ManagedService extends StackService {
  start(readyMs: number): Promise<void>;
}

function stackService(
  app: ServiceApp,
  replica: number,
  port: number,
  env: Record<string, string>,
): ManagedService {
  let current: ServiceProcess | undefined;
  const runs: ServiceProcess[] = [];
  let readyMs = 90_000;
  const proc = (): ServiceProcess => {
    if (!current) throw new Error(`${app} #${replica} has not started`);
    return current;
  };
  const start = async (timeoutMs: number): Promise<void> => {
    readyMs = timeoutMs;
    current = await startServiceProcess(app, env);
    runs.push(current);
    await current.ready(timeoutMs);
  };
  return {
    app,
    replica,
    port,
    url: `http://127.0.0.1:${port}`,
    get process() {
      return proc().process;
    },
    get pid() {
      return current?.process.pid;
    },
    get running() {
      return current !== undefined && current.process.exit === undefined;
    },
    get output() {
      return runs
        .map(
          (run, i) =>
            `--- ${app} #${replica} run ${i + 1} (pid ${run.process.pid ?? '?'}, exit ${JSON.stringify(run.process.exit ?? null)})\n${run.process.output}`,
        )
        .join('\n');
    },
    start,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const p = proc().process;
      p.signal(signal);
      return p.whenExited();
    },
    async restart() {
      if (current && current.process.exit === undefined) await current.stop();
      await start(readyMs);
    },
    ready: (timeoutMs = readyMs) => proc().ready(timeoutMs),
    async stop(timeoutMs?: number) {
      if (!current) return { code: null, signal: null };
      return current.stop(timeoutMs);
    },
  };
}
