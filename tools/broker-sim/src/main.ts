import { readFileSync } from 'node:fs';
import { loadConfig } from '@fillwire/config';
import pino from 'pino';
import { ScenarioSchema, startBrokerSim, type Scenario } from './broker-sim';
import { DEFAULT_KITE_USERS } from './kite/kite-session.store';
import { SimConfigSchema } from './sim-config.schema';

const log = pino({ name: 'broker-sim' });

async function main(): Promise<void> {
  const config = loadConfig('broker-sim', SimConfigSchema);
  const scenario: Scenario | undefined = config.SIM_SCENARIO
    ? ScenarioSchema.parse(JSON.parse(readFileSync(config.SIM_SCENARIO, 'utf8')))
    : undefined;
  const sim = await startBrokerSim({
    seed: config.SIM_SEED,
    tickMs: config.SIM_TICK_MS,
    marketHours: config.SIM_MARKET_HOURS,
    defaultFunds: config.SIM_USER_FUNDS,
    partialFillProbability: config.SIM_PARTIAL_FILL_PROBABILITY,
    kitePort: config.SIM_KITE_PORT,
    xtsPort: config.SIM_XTS_PORT,
    host: config.SIM_HOST,
    kiteApiKey: config.KITE_API_KEY,
    kiteApiSecret: config.KITE_API_SECRET,
    xtsAppKey: config.XTS_APP_KEY,
    xtsSecretKey: config.XTS_SECRET_KEY,
    kiteUsers: [
      ...DEFAULT_KITE_USERS,
      ...config.SIM_KITE_USERS.map((userId) => ({
        userId,
        name: userId,
        email: `${userId.toLowerCase()}@example.com`,
      })),
    ],
    xtsUsers: config.SIM_XTS_USERS,
    postbackUrl: config.ZERODHA_POSTBACK_URL,
    kiteRedirectUrl: config.SIM_KITE_REDIRECT_URL,
    kiteRateLimit: config.SIM_KITE_RATE_LIMIT,
    xtsRateLimit: config.SIM_XTS_RATE_LIMIT,
    wsPlacementUpdates: config.SIM_KITE_WS_PLACEMENT_UPDATES,
    scenario,
  });
  // Identities only; secrets stay out of the log.
  log.info(
    {
      kite: {
        rest: sim.kiteUrl,
        ticker: sim.kiteUrl.replace(/^http/, 'ws'),
        apiKey: config.KITE_API_KEY,
        users: ['AB1234', 'CD5678', ...config.SIM_KITE_USERS],
      },
      xts: {
        url: sim.xtsUrl,
        appKey: config.XTS_APP_KEY,
        userID: 'JN0001',
        more: config.SIM_XTS_USERS.map((u) => u.userID),
      },
      admin: `${sim.kiteUrl}/_sim`,
      postbacks: config.ZERODHA_POSTBACK_URL,
      login: { url: `${sim.kiteUrl}/connect/login`, redirect: config.SIM_KITE_REDIRECT_URL },
      seed: config.SIM_SEED,
      scenario: config.SIM_SCENARIO ?? null,
    },
    'broker simulators ready',
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  log.error({ err }, 'broker-sim failed to start');
  process.exit(1);
});
