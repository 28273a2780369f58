import { startBrokerSimProcess, type BrokerSimProcess } from './broker-sim-process';
import { freePort } from './free-port';
import { startServiceProcess, type ServiceProcess } from './service-process';

export interface KiteLoginStack {
  sim: BrokerSimProcess;
  /** order-api with FILLWIRE_DEMO=0: a Zerodha account has a session only after the Kite login. */
  api: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * The Kite login round trip's two ends: the simulators (standing in for kite.zerodha.com, their
 * login redirecting to order-api's callback) and order-api outside demo mode on the run's Redis
 * under `prefix`. Users, keys and accounts are the caller's to create first (IdentityService).
 */
export async function startKiteLoginStack(options: {
  redisUrl: string;
  prefix: string;
  logLevel?: string;
}): Promise<KiteLoginStack> {
  const port = await freePort();
  const sim = await startBrokerSimProcess({
    SIM_TICK_MS: '0',
    SIM_KITE_REDIRECT_URL: `http://127.0.0.1:${port}/v1/brokers/zerodha/callback`,
  });
  let api: ServiceProcess;
  try {
    api = await startServiceProcess('order-api', {
      PORT: String(port),
      REDIS_URL: options.redisUrl,
      FILLWIRE_PREFIX: options.prefix,
      FILLWIRE_DEMO: '0',
      ...sim.env,
      KITE_LOGIN_URL: `${sim.kiteUrl}/connect/login`,
      LOG_LEVEL: options.logLevel ?? 'warn',
    });
  } catch (err) {
    await sim.stop();
    throw err;
  }
  return {
    sim,
    api,
    stop: async () => {
      await Promise.allSettled([api.stop(), sim.stop()]);
    },
  };
}
