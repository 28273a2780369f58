import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import type { SimInstrument, SimOrderEvent, SimTick } from '../engine/engine.types';
import type { MatchingEngine } from '../engine/matching-engine';
import type { FaultInjector } from '../faults/fault-injector';
import { kitePostbackPayload } from './kite-format';
import type { KiteSession, KiteSessionStore } from './kite-session.store';
import { encodeFrame, encodePacket, type TickData, type TickMode } from './kite-ticker.codec';
import { kiteUpdateStatus } from './kite-updates';

export interface KiteTickerOptions {
  engine: MatchingEngine;
  sessions: KiteSessionStore;
  faults: FaultInjector;
  appId: number;
  /** Push OPEN / TRIGGER PENDING when an order reaches the exchange (SIM_KITE_WS_PLACEMENT_UPDATES). */
  placementUpdates?: boolean;
  heartbeatMs?: number;
}

interface Client {
  ws: WebSocket;
  session: KiteSession;
  subscriptions: Map<number, TickMode>;
}

const tokens = z.array(z.number().int().nonnegative()).max(3000);
const ClientMessageSchema = z.discriminatedUnion('a', [
  z.object({ a: z.literal('subscribe'), v: tokens }),
  z.object({ a: z.literal('unsubscribe'), v: tokens }),
  z.object({ a: z.literal('mode'), v: z.tuple([z.enum(['ltp', 'quote', 'full']), tokens]) }),
]);

const HEARTBEAT = Buffer.from([0]);

/**
 * The Kite ticker (brokers.md §1.10) on the REST server's port: `?api_key&access_token` checked at
 * the upgrade (a 403 refuses it), a 1-byte binary heartbeat every second, order updates as text
 * frames on every open connection of the user, binary ticks for subscribed tokens.
 */
export class KiteTickerGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly changed = new Map<number, SimInstrument>();
  private flushScheduled = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly onOrder = (event: SimOrderEvent): void => this.handleOrder(event);
  private readonly onTick = (tick: SimTick): void => this.handleTick(tick);
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.upgrade(req, socket, head);

  constructor(
    private readonly server: HttpServer,
    private readonly options: KiteTickerOptions,
  ) {
    server.on('upgrade', this.onUpgrade);
    options.engine.on('order', this.onOrder);
    options.engine.on('tick', this.onTick);
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(HEARTBEAT);
    }, options.heartbeatMs ?? 1_000);
    this.heartbeat.unref();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const session = this.options.sessions.get(
      url.searchParams.get('api_key') ?? undefined,
      url.searchParams.get('access_token') ?? undefined,
    );
    if (!session) {
      const body = JSON.stringify({
        status: 'error',
        message: 'Incorrect `api_key` or `access_token`.',
        error_type: 'TokenException',
      });
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, session));
  }

  private connected(ws: WebSocket, session: KiteSession): void {
    const client: Client = { ws, session, subscriptions: new Map() };
    this.clients.add(client);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const text = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      this.handleMessage(client, text.toString('utf8'));
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
  }

  private handleMessage(client: Client, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const message = ClientMessageSchema.safeParse(parsed);
    if (!message.success) return;
    const m = message.data;
    const known = (list: number[]) => list.filter((t) => this.options.engine.findInstrumentByToken(t));
    switch (m.a) {
      case 'subscribe':
        for (const t of known(m.v)) client.subscriptions.set(t, client.subscriptions.get(t) ?? 'quote');
        this.sendSnapshot(client, known(m.v));
        return;
      case 'unsubscribe':
        for (const t of m.v) client.subscriptions.delete(t);
        return;
      case 'mode':
        for (const t of known(m.v[1])) client.subscriptions.set(t, m.v[0]);
        this.sendSnapshot(client, known(m.v[1]));
        return;
    }
  }

  private tickData(instrument: SimInstrument, mode: TickMode): TickData {
    const q = this.options.engine.quote(instrument);
    const ts = Math.floor(q.lastTradeAt.getTime() / 1000);
    const depth = (side: 'buy' | 'sell') =>
      Array.from({ length: 5 }, (_, i) => ({
        price: Math.max(
          instrument.tickSize,
          Math.round((q.lastPrice + (side === 'buy' ? -(i + 1) : i + 1) * instrument.tickSize) * 100) / 100,
        ),
        quantity: instrument.lotSize * (10 + i * 7),
        orders: 1 + i,
      }));
    return {
      instrument_token: instrument.kiteToken,
      mode,
      tradable: instrument.kind !== 'index',
      last_price: q.lastPrice,
      last_quantity: q.lastQuantity,
      average_price: q.averagePrice,
      volume: q.volume,
      buy_quantity: q.buyQuantity,
      sell_quantity: q.sellQuantity,
      ohlc: { open: q.open, high: q.high, low: q.low, close: q.close },
      change_raw: 0,
      last_trade_time: ts,
      timestamp: ts,
      oi: 0,
      oi_day_high: 0,
      oi_day_low: 0,
      depth: { buy: depth('buy'), sell: depth('sell') },
    };
  }

  private sendSnapshot(client: Client, list: number[]): void {
    const packets: Buffer[] = [];
    for (const token of list) {
      const instrument = this.options.engine.findInstrumentByToken(token);
      const mode = client.subscriptions.get(token);
      if (instrument && mode) packets.push(encodePacket(this.tickData(instrument, mode)));
    }
    if (packets.length > 0 && client.ws.readyState === WebSocket.OPEN) client.ws.send(encodeFrame(packets));
  }

  private handleTick(tick: SimTick): void {
    this.changed.set(tick.instrument.kiteToken, tick.instrument);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One frame per client per engine step, however many instruments moved.
    setImmediate(() => {
      this.flushScheduled = false;
      const changed = [...this.changed.keys()];
      this.changed.clear();
      for (const client of this.clients)
        this.sendSnapshot(
          client,
          changed.filter((t) => client.subscriptions.has(t)),
        );
    });
  }

  private handleOrder(event: SimOrderEvent): void {
    const status = kiteUpdateStatus(event, 'ticker', this.options.placementUpdates);
    if (!status) return;
    const { order, snapshot } = event;
    // Kite's WebSocket copy carries an empty checksum (forum 6808).
    const data = kitePostbackPayload(order, snapshot, { status, appId: this.options.appId, checksum: '' });
    const frame = JSON.stringify({ type: 'order', data });
    this.options.faults.deliver('ticker', order.orderId, () => {
      this.sendText(order.userId, frame);
    });
  }

  /** Sends a text frame to every open ticker socket of the user; returns how many got it. */
  sendText(userId: string, frame: string): number {
    let sent = 0;
    for (const c of this.clients) {
      if (c.session.userId === userId && c.ws.readyState === WebSocket.OPEN) {
        c.ws.send(frame);
        sent += 1;
      }
    }
    return sent;
  }

  /** Drops connections (of one user or all) like a network failure; returns how many. */
  disconnect(userId?: string): number {
    let n = 0;
    for (const c of [...this.clients]) {
      if (userId === undefined || c.session.userId === userId) {
        c.ws.terminate();
        this.clients.delete(c);
        n += 1;
      }
    }
    return n;
  }

  /** Closes the sockets opened with the given (now invalid) tokens. */
  closeSessions(sessions: KiteSession[]): number {
    const tokensGone = new Set(sessions.map((s) => s.accessToken));
    let n = 0;
    for (const c of [...this.clients]) {
      if (tokensGone.has(c.session.accessToken)) {
        c.ws.close(1000, 'session expired');
        this.clients.delete(c);
        n += 1;
      }
    }
    return n;
  }

  connections(userId?: string): number {
    return [...this.clients].filter((c) => userId === undefined || c.session.userId === userId).length;
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.server.off('upgrade', this.onUpgrade);
    this.options.engine.off('order', this.onOrder);
    this.options.engine.off('tick', this.onTick);
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    this.wss.close();
  }
}
