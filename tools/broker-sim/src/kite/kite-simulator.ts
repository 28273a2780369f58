import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { MatchingEngine } from '../engine/matching-engine';
import type { FaultInjector } from '../faults/fault-injector';
import { DEFAULT_KITE_REDIRECT_URL, kiteLoginRouter } from './kite-login.controller';
import { KitePostbackService } from './kite-postback.service';
import { KiteRateLimiter } from './kite-rate-limiter';
import { kiteFallbackHandlers, kiteRestRouter } from './kite-rest.controller';
import { KiteSessionStore, type KiteUserConfig } from './kite-session.store';
import { KiteTickerGateway } from './kite-ticker.gateway';

export const KITE_DEFAULT_PORT = 3100;

export interface KiteSimulatorOptions {
  engine: MatchingEngine;
  faults: FaultInjector;
  apiKey: string;
  apiSecret: string;
  postbackUrl: string;
  /** Where GET /connect/login sends the browser (the app's registered redirect URL). */
  redirectUrl?: string;
  users?: KiteUserConfig[];
  /** 10 order req/s per user answered with 429; default true. */
  rateLimit?: boolean;
  placementUpdates?: boolean;
  heartbeatMs?: number;
  /** Default 3100; 0 picks a free port. */
  port?: number;
  host?: string;
  /** Extra routes on the same server, mounted before Kite's fallbacks (the `/_sim` admin API). */
  extraRoutes?: (kite: KiteParts) => Router;
}

/** The pieces the admin API drives. */
export interface KiteParts {
  sessions: KiteSessionStore;
  postbacks: KitePostbackService;
  ticker: KiteTickerGateway;
  /** Forgets the order rate-limit windows (POST /_sim/reset). */
  resetRateLimits(): void;
}

export interface KiteSimulator extends KiteParts {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Kite's app_id is an int per app; derive a stable one from the api key. */
export const appIdOf = (apiKey: string): number =>
  parseInt(createHash('sha256').update(apiKey).digest('hex').slice(0, 6), 16);

/** Starts the Kite Connect v3 simulator: REST, ticker WebSocket and postbacks on one port. */
export async function createKiteSimulator(options: KiteSimulatorOptions): Promise<KiteSimulator> {
  const { engine, faults } = options;
  const appId = appIdOf(options.apiKey);
  const sessions = new KiteSessionStore(options.apiKey, options.apiSecret, options.users);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const server = createServer(app);
  server.keepAliveTimeout = 30_000;
  const ticker = new KiteTickerGateway(server, {
    engine,
    sessions,
    faults,
    appId,
    placementUpdates: options.placementUpdates,
    heartbeatMs: options.heartbeatMs,
  });
  const postbacks = new KitePostbackService(engine, {
    url: options.postbackUrl,
    apiSecret: options.apiSecret,
    appId,
    faults,
  });
  const limiter = options.rateLimit === false ? null : new KiteRateLimiter(10);
  const parts: KiteParts = { sessions, postbacks, ticker, resetRateLimits: () => limiter?.clear() };
  faults.register('ticker', {
    disconnect: (userId) => ticker.disconnect(userId),
    expireTokens: (userId) => {
      const ended = sessions.expire(userId);
      ticker.closeSessions(ended);
      return ended.length;
    },
  });

  if (options.extraRoutes) app.use(options.extraRoutes(parts));
  app.use(kiteLoginRouter({ sessions, redirectUrl: options.redirectUrl ?? DEFAULT_KITE_REDIRECT_URL }));
  app.use(
    kiteRestRouter({
      engine,
      sessions,
      limiter,
      onLogout: (session) => ticker.closeSessions([session]),
    }),
  );
  app.use(...kiteFallbackHandlers());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? KITE_DEFAULT_PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  postbacks.start();
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    ...parts,
    url: `http://${host}:${port}`,
    port,
    server,
    close: async () => {
      postbacks.stop();
      ticker.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
