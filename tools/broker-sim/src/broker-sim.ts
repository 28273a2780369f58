import { z } from 'zod';
import { applyFaults, FaultsBodySchema, simAdminRouter } from './admin/sim-admin.controller';
import type { SimClock } from './engine/sim-clock';
import { DEFAULT_SIM_SEED, MatchingEngine } from './engine/matching-engine';
import type { MarketHoursMode } from './engine/market-hours';
import { FaultInjector } from './faults/fault-injector';
import { appIdOf, createKiteSimulator, type KiteSimulator } from './kite/kite-simulator';
import type { KiteUserConfig } from './kite/kite-session.store';
import { SimLoadService } from './load/sim-load.service';
import { createXtsSimulator, type XtsSimulator, type XtsUserConfig } from './xts';

/** A scenario file (SIM_SCENARIO): faults per channel, funds, prices and hours applied at start. */
export const ScenarioSchema = z
  .object({
    description: z.string().optional(),
    faults: FaultsBodySchema.optional(),
    funds: z.record(z.string(), z.number().nonnegative()).optional(),
    marketHours: z.enum(['always', 'nse']).optional(),
    prices: z
      .array(
        z.object({
          exchange: z.string().optional(),
          tradingsymbol: z.string().min(1),
          price: z.number().positive(),
        }),
      )
      .optional(),
  })
  .strict();
export type Scenario = z.infer<typeof ScenarioSchema>;

export interface BrokerSimOptions {
  seed?: number;
  /** Price walk interval (ms); 0 = prices move only through POST /_sim/price. */
  tickMs?: number;
  clock?: SimClock;
  marketHours?: MarketHoursMode;
  defaultFunds?: number;
  partialFillProbability?: number;
  /** 0 picks a free port (tests, benchmarks). Defaults 3100 / 3101. */
  kitePort?: number;
  xtsPort?: number;
  host?: string;
  kiteApiKey?: string;
  kiteApiSecret?: string;
  kiteUsers?: KiteUserConfig[];
  xtsAppKey?: string;
  xtsSecretKey?: string;
  xtsUserId?: string;
  /** More XTS users (one key pair each) besides the demo one. */
  xtsUsers?: XtsUserConfig[];
  postbackUrl?: string;
  /** Where the Kite browser login redirects (SIM_KITE_REDIRECT_URL). */
  kiteRedirectUrl?: string;
  kiteRateLimit?: boolean;
  xtsRateLimit?: boolean;
  wsPlacementUpdates?: boolean;
  heartbeatMs?: number;
  scenario?: Scenario;
}

export interface BrokerSim {
  kiteUrl: string;
  xtsUrl: string;
  engine: MatchingEngine;
  faults: FaultInjector;
  kite: KiteSimulator;
  xts: XtsSimulator;
  close(): Promise<void>;
}

export const DEFAULT_POSTBACK_URL = 'http://127.0.0.1:3002/zerodha/postback';

/** Starts the matching engine, the Kite (REST, ticker, postbacks, admin) and XTS simulators in this process. */
export async function startBrokerSim(options: BrokerSimOptions = {}): Promise<BrokerSim> {
  const seed = options.seed ?? DEFAULT_SIM_SEED;
  const engine = new MatchingEngine({
    seed,
    clock: options.clock,
    tickMs: options.tickMs,
    marketHours: options.scenario?.marketHours ?? options.marketHours,
    defaultFunds: options.defaultFunds,
    funds: options.scenario?.funds,
    partialFillProbability: options.partialFillProbability,
  });
  const faults = new FaultInjector(seed);
  const host = options.host ?? '127.0.0.1';

  const xts = await createXtsSimulator({
    engine,
    appKey: options.xtsAppKey,
    secretKey: options.xtsSecretKey,
    demoUserID: options.xtsUserId,
    users: options.xtsUsers,
    faults: { deliver: faults.deliver },
    rateLimit: options.xtsRateLimit ?? true,
    port: options.xtsPort,
    host,
  });
  faults.register('xts-socket', {
    disconnect: (userId) => xts.disconnectAll(userId),
    expireTokens: (userId) => xts.expireTokens(userId),
  });

  let kite: KiteSimulator;
  let load: SimLoadService | undefined;
  const kiteApiKey = options.kiteApiKey ?? 'kite-demo';
  const kiteApiSecret = options.kiteApiSecret ?? 'demo-secret';
  const postbackUrl = options.postbackUrl ?? DEFAULT_POSTBACK_URL;
  try {
    kite = await createKiteSimulator({
      engine,
      faults,
      apiKey: kiteApiKey,
      apiSecret: kiteApiSecret,
      users: options.kiteUsers,
      postbackUrl,
      redirectUrl: options.kiteRedirectUrl,
      rateLimit: options.kiteRateLimit ?? true,
      placementUpdates: options.wsPlacementUpdates ?? false,
      heartbeatMs: options.heartbeatMs,
      port: options.kitePort,
      host,
      extraRoutes: (parts) => {
        load = new SimLoadService({
          engine,
          kiteSessions: parts.sessions,
          kiteSendText: (userId, frame) => parts.ticker.sendText(userId, frame),
          xtsEmitRaw: (userID, event, payload) => xts.emitRaw(userID, event, payload),
          postbackUrl,
          apiSecret: kiteApiSecret,
          appId: appIdOf(kiteApiKey),
        });
        return simAdminRouter({
          engine,
          faults,
          kite: parts,
          xtsEmitRaw: (userID, event, payload) => xts.emitRaw(userID, event, payload),
          urls: () => ({ kite: kite.url, xts: xts.url }),
          load,
        });
      },
    });
  } catch (err) {
    await xts.close();
    throw err;
  }
  // Token expiry on the postback channel means the Kite session, the only token that channel has.
  faults.register('postback', {
    expireTokens: (userId) => {
      const ended = kite.sessions.expire(userId);
      kite.ticker.closeSessions(ended);
      return ended.length;
    },
  });

  const scenario = options.scenario;
  if (scenario?.faults) applyFaults(faults, scenario.faults);
  for (const p of scenario?.prices ?? []) {
    const instrument = engine.instruments.find(
      (i) => i.tradingsymbol === p.tradingsymbol && (p.exchange === undefined || i.exchange === p.exchange),
    );
    if (!instrument) throw new Error(`scenario: unknown instrument ${p.tradingsymbol}`);
    engine.setPrice(instrument, p.price);
  }
  engine.start();

  return {
    kiteUrl: kite.url,
    xtsUrl: xts.url,
    engine,
    faults,
    kite,
    xts,
    close: async () => {
      engine.stop();
      faults.close();
      load?.close();
      await Promise.all([kite.close(), xts.close()]);
    },
  };
}
