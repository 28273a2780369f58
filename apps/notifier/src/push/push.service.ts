import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EventEnvelope } from '@fillwire/events';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { SOCKET_AUTHENTICATOR, type SocketAuthenticator } from '../auth/socket-authenticator';
import type { NotifierConfig } from '../config/notifier-config.schema';
import { CLOSE_CODES, ClientSession, type PushSocket } from './client-session';
import type { ClientMessage, SubscribeMessage } from './client-message.schema';
import { EventLogRepository } from './event-log.repository';
import { toPushEvent, type PushEvent } from './push-frames';
import { ResyncSnapshotService } from './resync-snapshot.service';

/** A socket as the service tracks it: before authentication it has no session yet. */
interface Connection {
  socket: PushSocket & { ping(): void };
  session?: ClientSession;
  /** Settles when the handshake token (if any) has been checked; messages wait for it. */
  ready: Promise<void>;
  authTimer?: NodeJS.Timeout;
  resumeFrom?: string;
  alive: boolean;
}

/** How long a closing socket may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 1000;

/**
 * The push side of notifier: authenticates sockets, follows the event log (every instance reads
 * all of it for its own clients), routes each event to the sockets of its account's user, resumes
 * clients from lastEventId, and drops clients that are dead or too slow.
 */
@Injectable()
export class PushService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PushService.name);
  private readonly connections = new Map<PushSocket, Connection>();
  private readonly byAccount = new Map<string, Set<ClientSession>>();
  private readonly byUser = new Map<string, Set<ClientSession>>();
  private heartbeat?: NodeJS.Timeout;
  private readonly clients: Gauge;
  private readonly frames: Counter;
  private readonly disconnects: Counter<'reason'>;
  private readonly latency: Histogram;

  constructor(
    @Inject(APP_CONFIG) private readonly config: NotifierConfig,
    @Inject(SOCKET_AUTHENTICATOR) private readonly authenticator: SocketAuthenticator,
    private readonly log: EventLogRepository,
    private readonly snapshots: ResyncSnapshotService,
    metrics: MetricsService,
  ) {
    this.clients = metrics.gauge({ name: 'fillwire_ws_clients', help: 'Authenticated WebSocket clients' });
    this.frames = metrics.counter({
      name: 'fillwire_ws_frames_sent_total',
      help: 'Data frames sent to clients',
    });
    this.disconnects = metrics.counter({
      name: 'fillwire_ws_disconnects_total',
      help: 'Sockets closed by the server, by reason',
      labelNames: ['reason'],
    });
    this.latency = metrics.histogram({
      name: 'fillwire_ws_delivery_latency_seconds',
      help: 'From first receipt of an event to its first frame written to a client socket',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    });
  }

  async onModuleInit(): Promise<void> {
    await this.log.startTail((entryId, envelope) => this.fanOut(entryId, envelope));
    this.heartbeat = setInterval(() => this.beat(), this.config.WS_HEARTBEAT_INTERVAL);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const conn of this.connections.values()) {
      clearTimeout(conn.authTimer);
      conn.session?.close(CLOSE_CODES.goingAway, 'server shutting down');
    }
    await this.log.stopTail();
  }

  /** Sessions currently held by this instance (tests, bench). */
  get sessionCount(): number {
    let n = 0;
    for (const c of this.connections.values()) if (c.session) n++;
    return n;
  }

  connect(socket: Connection['socket'], request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'ws://localhost');
    const token = url.searchParams.get('token') ?? url.searchParams.get('apikey');
    const conn: Connection = {
      socket,
      ready: Promise.resolve(),
      alive: true,
      resumeFrom: url.searchParams.get('lastEventId') ?? undefined,
    };
    this.connections.set(socket, conn);
    if (conn.resumeFrom !== undefined && !/^\d+(-\d+)?$/.test(conn.resumeFrom)) {
      socket.send(JSON.stringify(controlFrame('error', { message: 'lastEventId: expected an event id' })));
      conn.resumeFrom = undefined;
    }
    if (token) conn.ready = this.authenticate(conn, token, true);
    else {
      conn.authTimer = setTimeout(
        () => this.reject(conn, 'no authentication within the timeout'),
        this.config.WS_AUTH_TIMEOUT,
      );
    }
  }

  pong(socket: PushSocket): void {
    const conn = this.connections.get(socket);
    if (conn) conn.alive = true;
  }

  disconnect(socket: PushSocket): void {
    const conn = this.connections.get(socket);
    if (!conn) return;
    this.connections.delete(socket);
    clearTimeout(conn.authTimer);
    if (conn.session) this.forget(conn.session);
  }

  async handle(
    socket: PushSocket,
    message: ClientMessage | { action: 'invalid'; error: string },
  ): Promise<void> {
    const conn = this.connections.get(socket);
    if (!conn) return;
    await conn.ready;
    if (message.action === 'authenticate') {
      if (conn.session) return this.error(conn, 'already authenticated');
      if (message.lastEventId) conn.resumeFrom = message.lastEventId;
      return this.authenticate(conn, (message.token ?? message.apikey) as string, false);
    }
    const session = conn.session;
    if (!session) return this.reject(conn, 'the first message must be {"action":"authenticate",...}');
    switch (message.action) {
      case 'invalid':
        return this.error(conn, message.error);
      case 'ping':
        return session.sendControl(controlFrame('pong', {}));
      case 'unsubscribe':
        session.unsubscribe(message.channels);
        return session.sendControl(controlFrame('unsubscribed', session.subscribed));
      case 'subscribe':
        return this.subscribe(conn, session, message);
    }
  }

  private async authenticate(conn: Connection, secret: string, handshake: boolean): Promise<void> {
    let identity;
    try {
      identity = await this.authenticator.verify(secret);
    } catch (err) {
      this.logger.error({ err: String(err) }, 'socket authentication failed on an error');
      identity = null;
    }
    if (!this.connections.has(conn.socket)) return;
    if (!identity) return this.reject(conn, handshake ? 'invalid token' : 'invalid apikey or token');
    clearTimeout(conn.authTimer);
    const session = new ClientSession(
      conn.socket,
      identity,
      {
        maxBufferedBytes: this.config.WS_MAX_BUFFERED_BYTES,
        maxQueuedFrames: this.config.WS_MAX_QUEUED_FRAMES,
      },
      (s, why) => this.dropSlow(s, why),
    );
    conn.session = session;
    for (const accountId of session.accountIds) indexAdd(this.byAccount, accountId, session);
    indexAdd(this.byUser, session.userId, session);
    this.clients.inc();
    session.sendControl(
      controlFrame('authenticated', { userId: identity.userId, accounts: [...identity.accountIds] }),
    );
  }

  private async subscribe(
    conn: Connection,
    session: ClientSession,
    message: SubscribeMessage,
  ): Promise<void> {
    const foreign = (message.accounts ?? []).filter((a) => !session.accountIds.has(a));
    if (foreign.length) return this.error(conn, `not your account: ${foreign.join(', ')}`);
    session.subscribe(message.channels, message.accounts);
    const from = message.lastEventId ?? conn.resumeFrom;
    conn.resumeFrom = undefined;
    session.sendControl(controlFrame('subscribed', session.subscribed));
    if (from !== undefined) await this.resume(session, from);
  }

  /**
   * Missed events first, then live ones. Live frames are held while the log is read from `from`;
   * the session sends nothing at or before its last sent id, so the seam has no gap and no duplicate.
   */
  private async resume(session: ClientSession, from: string): Promise<void> {
    session.beginCatchUp();
    try {
      if (await this.log.lostAfter(from))
        return await this.resync(session, 'lastEventId is older than the log keeps');
      const result = await this.log.readAfter(
        from,
        (entryId, envelope) => {
          const event = toPushEvent(entryId, envelope);
          if (event && session.replay(event)) this.frames.inc();
        },
        this.config.WS_MAX_REPLAY_EVENTS,
      );
      if (result.truncated) await this.resync(session, 'too many missed events to replay');
    } catch (err) {
      this.logger.error({ userId: session.userId, from, err: String(err) }, 'resume failed');
      session.sendControl(controlFrame('error', { message: 'resume failed; resubscribe or reload' }));
    } finally {
      session.endCatchUp();
    }
  }

  private async resync(session: ClientSession, reason: string): Promise<void> {
    const position = await this.log.position();
    const snapshot = await this.snapshots.snapshot(session.identity);
    session.skipTo(position);
    session.sendControl({ event: 'resync', id: position, ts: Date.now(), data: { reason, ...snapshot } });
  }

  private fanOut(entryId: string, envelope: EventEnvelope): void {
    const targets =
      envelope.accountId !== undefined
        ? this.byAccount.get(envelope.accountId)
        : envelope.userId !== undefined
          ? this.byUser.get(envelope.userId)
          : undefined;
    if (!targets || targets.size === 0) return;
    let event: PushEvent | null | undefined;
    let sent = 0;
    for (const session of targets) {
      event ??= toPushEvent(entryId, envelope);
      if (!event) return;
      if (session.offer(event)) sent++;
    }
    if (sent && event) {
      this.frames.inc(sent);
      this.latency.observe(Math.max(0, performance.timeOrigin + performance.now() - event.receivedAt) / 1000);
    }
  }

  private beat(): void {
    for (const conn of this.connections.values()) {
      if (!conn.alive) {
        this.disconnects.inc({ reason: 'heartbeat' });
        conn.session?.markClosed();
        conn.socket.terminate();
        this.disconnect(conn.socket);
        continue;
      }
      conn.alive = false;
      try {
        conn.socket.ping();
      } catch {
        // A socket that cannot take a ping is closing; the close event cleans up.
      }
    }
  }

  private dropSlow(session: ClientSession, why: string): void {
    this.logger.warn({ userId: session.userId, why }, 'closing a slow WebSocket client');
    this.disconnects.inc({ reason: 'slow' });
    this.forget(session);
    session.close(CLOSE_CODES.tooSlow, 'too slow: send buffer full');
    // Its buffer is full, so the close frame may never get out: cut the socket after a grace period.
    setTimeout(() => session.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  private reject(conn: Connection, why: string): void {
    clearTimeout(conn.authTimer);
    this.disconnects.inc({ reason: 'unauthorized' });
    this.connections.delete(conn.socket);
    conn.socket.close(CLOSE_CODES.unauthorized, `unauthorized: ${why}`.slice(0, 120));
    setTimeout(() => conn.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  private error(conn: Connection, message: string): void {
    conn.socket.send(JSON.stringify(controlFrame('error', { message })));
  }

  private forget(session: ClientSession): void {
    let removed = false;
    for (const accountId of session.accountIds)
      removed = indexRemove(this.byAccount, accountId, session) || removed;
    removed = indexRemove(this.byUser, session.userId, session) || removed;
    if (removed) this.clients.dec();
  }
}

function controlFrame(event: string, data: object): { event: string; id: null; ts: number; data: object } {
  return { event, id: null, ts: Date.now(), data };
}

function indexAdd(index: Map<string, Set<ClientSession>>, key: string, session: ClientSession): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(session);
}

function indexRemove(index: Map<string, Set<ClientSession>>, key: string, session: ClientSession): boolean {
  const set = index.get(key);
  if (!set?.delete(session)) return false;
  if (set.size === 0) index.delete(key);
  return true;
}
