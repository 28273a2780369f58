import {
  freePort,
  startBrokerSimProcess,
  startServiceProcess,
  type BrokerSimProcess,
  type ServiceApp,
  type ServiceProcess,
} from '@fillwire/testing';

export interface Stack {
  /** order-api serves the dashboard at its root. */
  dashboardUrl: string;
  notifierWsUrl: string;
  sim: BrokerSimProcess;
  stop(): Promise<void>;
}

const APPS: ServiceApp[] = ['order-api', 'notifier', 'zerodha-postback', 'portfolio-manager'];

/**
 * The broker simulator and the services the dashboard needs as child processes on free ports,
 * with one environment (`env`: Redis, prefix, demo keys) as `npm start` gives them; resolves once
 * every service is ready (the gateway's Kite accounts connected).
 */
export async function startStack(env: Record<string, string>): Promise<Stack> {
  // The simulator must know where zerodha-postback will listen before either starts.
  const postbackPort = String(await freePort());
  const sim = await startBrokerSimProcess({
    ZERODHA_POSTBACK_URL: `http://127.0.0.1:${postbackPort}/zerodha/postback`,
    SIM_PARTIAL_FILL_PROBABILITY: '0',
    LOG_LEVEL: 'warn',
  });
  const booted: ServiceProcess[] = [];
  const stop = async (): Promise<void> => {
    // Stop every process even if one of them takes too long (stop kills it and rejects).
    const stopped = await Promise.allSettled([...booted.map((s) => s.stop()), sim.stop()]);
    const failed = stopped.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const started = await Promise.allSettled(
    APPS.map(async (app) => {
      const service = await startServiceProcess(app, {
        LOG_LEVEL: 'warn',
        ...env,
        ...sim.env,
        ...(app === 'zerodha-postback' ? { PORT: postbackPort } : {}),
      });
      booted.push(service);
      await service.ready(90_000);
      return service;
    }),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const urlOf = (app: ServiceApp): string => {
    const service = booted.find((s) => s.app === app);
    if (!service) throw new Error(`${app} is not in the stack`);
    return service.url;
  };
  return {
    dashboardUrl: `${urlOf('order-api')}/`,
    notifierWsUrl: `${urlOf('notifier').replace('http', 'ws')}/ws`,
    sim,
    stop,
  };
}
