import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { SimOrderEngine } from '../engine/engine.types';
import { XtsOrderFeed } from './xts-order-feed.service';
import { xtsBodyParsers, xtsErrorHandlers, xtsRestRouter } from './xts-rest.controller';
import { XtsSessionStore, type XtsUserConfig } from './xts-session.store';
import { XtsSocketGateway, type XtsDeliver } from './xts-socket.gateway';

export interface XtsSimulatorOptions {
  engine: SimOrderEngine;
  /** The demo key pair (XTS_APP_KEY / XTS_SECRET_KEY); logs in as `demoUserID`. */
  appKey?: string;
  secretKey?: string;
  demoUserID?: string;
  /** More key pairs → user ids. */
  users?: XtsUserConfig[];
  /** The fault injector (channel 'xts-socket'); anything with a `deliver` function. */
  faults?: { deliver: XtsDeliver };
  /** Used when `faults` is not given. */
  deliver?: XtsDeliver;
  /** 1 req/s read and 10 req/s order limits; default on unless SIM_XTS_RATE_LIMIT=0. */
  rateLimit?: boolean;
  /** Default 3101; 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface XtsSimulator {
  url: string;
  port: number;
  /** Emits a raw event to the user's joined sockets (object → JSON string); returns sockets reached. */
  emitRaw(userID: string, event: string, payload: unknown): number;
  /** Drops the socket connections (of one user or all) like a network failure; returns how many. */
  disconnectAll(userID?: string): number;
  /** Invalidates the tokens (of one user or all) and closes their sockets; returns sessions ended. */
  expireTokens(userID?: string): number;
  close(): Promise<void>;
}

export const XTS_DEFAULT_PORT = 3101;

function rateLimitFromEnv(): boolean {
  const value = process.env.SIM_XTS_RATE_LIMIT?.trim().toLowerCase();
  return !(value === '0' || value === 'false' || value === 'off' || value === 'no');
}

/** Starts the XTS interactive simulator: REST under `/interactive` and socket.io on the same port. */
export async function createXtsSimulator(options: XtsSimulatorOptions): Promise<XtsSimulator> {
  const users: XtsUserConfig[] = [
    {
      appKey: options.appKey ?? 'xts-demo',
      secretKey: options.secretKey ?? 'demo-secret',
      userID: options.demoUserID ?? 'JN0001',
    },
    ...(options.users ?? []),
  ];
  const sessions = new XtsSessionStore(users);
  const app = express();
  app.disable('x-powered-by');
  const server = createServer(app);
  // Upgraded (websocket) connections are invisible to closeAllConnections(); track them all.
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const sockets = new XtsSocketGateway(server, sessions, options.faults?.deliver ?? options.deliver);
  const identity = (userID: string) => {
    const user = sessions.userById(userID);
    return { userID, clientID: user?.clientCodes?.[0] ?? userID };
  };
  const feed = new XtsOrderFeed(options.engine, identity, (userID, event, payload, key) =>
    sockets.publish(userID, event, payload, key),
  );

  app.use(
    '/interactive',
    ...xtsBodyParsers(),
    xtsRestRouter({
      engine: options.engine,
      sessions,
      feed,
      sockets,
      rateLimit: options.rateLimit ?? rateLimitFromEnv(),
    }),
  );
  app.use(...xtsErrorHandlers());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? XTS_DEFAULT_PORT, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  feed.start();
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    port,
    emitRaw: (userID, event, payload) =>
      sockets.emitToUser(userID, event, typeof payload === 'string' ? payload : JSON.stringify(payload)),
    disconnectAll: (userID) => sockets.dropConnections(userID),
    expireTokens: (userID) => {
      const ended = sessions.expire(userID);
      for (const session of ended) sockets.closeSessionSockets(session);
      return ended.length;
    },
    close: async () => {
      feed.stop();
      const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
      // io.close() also closes the HTTP server; idle keep-alive connections must not hold it open.
      await sockets.close();
      server.closeAllConnections();
      for (const socket of connections) socket.destroy();
      await closed;
    },
  };
}
