import { freePort } from './free-port';
import { NodeProcess, cleanEnv, type Exit } from './node-process';
import { stopProcess, waitForHttpOk } from './child-process-helpers';
import { testPrefix, testRedisUrl } from './test-redis';

export type ServiceApp =
  'order-api' | 'notifier' | 'zerodha-postback' | 'jainam-gateway' | 'portfolio-manager';

export interface ServiceProcess {
  app: ServiceApp;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The Redis key prefix it runs under. */
  prefix: string;
  process: NodeProcess;
  /**
   * Resolves once `GET /ready` answers 200 (e.g. a gateway's broker accounts connected); rejects
   * with the output after `timeoutMs` or if the process exits first.
   */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM and the exit, e.g. `{ code: 0, signal: null }` (bounded, then SIGKILL and a rejection). */
  stop(timeoutMs?: number): Promise<Exit>;
}

const BOOT_MS = 60_000;

/**
 * Boots `apps/<app>/src/main.ts` as a child process (the way `npm start` runs it) and resolves once
 * `GET /health` answers 200. Defaults: a free PORT, HOST 127.0.0.1, the run's test Redis
 * (testRedisUrl()), a fresh FILLWIRE_PREFIX, LOG_LEVEL info; `env` overrides any of them (give
 * several services the same FILLWIRE_PREFIX to make them one system). Only the variables given
 * here (and PATH/HOME/TMPDIR) reach it, never the developer's shell.
 */
export async function startServiceProcess(
  app: ServiceApp,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const prefix = env.FILLWIRE_PREFIX ?? testPrefix(app);
  const proc = NodeProcess.ts(
    `apps/${app}/src/main.ts`,
    cleanEnv({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: env.REDIS_URL ?? (await testRedisUrl()),
      ...env,
      PORT: String(port),
      FILLWIRE_PREFIX: prefix,
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttpOk(proc, `${url}/health`, BOOT_MS, `${app} /health`);
  return {
    app,
    url,
    port,
    prefix,
    process: proc,
    ready: (timeoutMs = BOOT_MS) =>
      waitForHttpOk(proc, `${url}/ready`, timeoutMs, `${app} /ready`, { kill: false }),
    stop: (timeoutMs = 15_000) => stopProcess(proc, timeoutMs),
  };
}
