import * as http from 'node:http';
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimInstrument, SimOrder, SimOrderEngine, SimOrderSnapshot } from '../engine/engine.types';
import { kitePostbackPayload, postbackChecksum } from '../kite/kite-format';
import type { KiteSessionStore } from '../kite/kite-session.store';
import { orderRow, tradeRow } from '../xts/xts-format';
import type { ChannelCounts, LoadReport, LoadRequest } from './sim-load.schema';

export interface SimLoadOptions {
  engine: Pick<SimOrderEngine, 'findInstrument' | 'lastPrice'>;
  kiteSessions: Pick<KiteSessionStore, 'user'>;
  /** The Kite ticker's raw text send; returns the sockets reached. */
  kiteSendText: (userId: string, frame: string) => number;
  /** The XTS layer's raw emit; returns the sockets reached. */
  xtsEmitRaw: (userID: string, event: string, payload: string) => number;
  postbackUrl: string;
  apiSecret: string;
  appId: number;
}

/** The simulator's engine numbers its own ids from these ranges up; ours start far above them. */
const KITE_ID_PREFIX = '9';
const XTS_ID_BASE = 1_900_000_000;
const EXCHANGE_ID_BASE = 1_900_000_000_000_000;
const TRADE_ID_BASE = 90_000_000;
const XTS_SEQUENCE_BASE = 1_578_799_397_000_000;
const POSTBACK_TIMEOUT_MS = 10_000;

/** Epoch ms with a sub-ms fraction: comparable with the same clock in other processes on this host. */
const wallNow = (): number => performance.timeOrigin + performance.now();

export class LoadBusyError extends Error {}
export class LoadInputError extends Error {}

/**
 * The load generator behind `POST /_sim/load`: fills paced on an absolute schedule (a late timer
 * never lowers the rate), each sent the way its broker sends one — Kite as a postback with a valid
 * checksum plus the ticker copy (empty checksum), XTS as an `order` event (Filled) and a `trade`
 * event — built with the same formatters as the engine-driven feeds. The fills are wire-only: the
 * matching engine's books do not hold them. Ids come from ranges the engine never uses and start
 * again on every simulator start, so one simulator process should feed one event log.
 */
export class SimLoadService {
  private readonly postbackUrl: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  private running = false;
  private nextId = 0;
  private readonly xtsSequence = new Map<string, number>();

  constructor(private readonly options: SimLoadOptions) {
    this.postbackUrl = new URL(options.postbackUrl);
    this.transport = this.postbackUrl.protocol === 'https:' ? https : http;
    // Kite posts over many connections; keep-alive so the sender is not the bottleneck.
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 64 });
  }

  async run(req: LoadRequest): Promise<LoadReport> {
    if (this.running) throw new LoadBusyError('a load is already running');
    const instruments = req.instruments.map((i) =>
      this.options.engine.findInstrument(i.exchange, i.tradingsymbol),
    );
    const missing = req.instruments.filter((_, k) => !instruments[k]);
    if (missing.length > 0)
      throw new LoadInputError(
        `unknown instruments: ${missing.map((i) => `${i.exchange}:${i.tradingsymbol}`).join(', ')}`,
      );
    const unknown = req.accounts.filter(
      (a) => a.broker === 'kite' && !this.options.kiteSessions.user(a.userId),
    );
    if (unknown.length > 0)
      throw new LoadInputError(`unknown Kite users: ${unknown.map((a) => a.userId).join(', ')}`);
    this.running = true;
    try {
      return await this.pace(req, instruments as SimInstrument[]);
    } finally {
      this.running = false;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private async pace(req: LoadRequest, instruments: SimInstrument[]): Promise<LoadReport> {
    const counts = { postback: zero(), ticker: zero(), xts: zero() };
    const phaseCounts = req.phases.map((p) => Math.floor((p.rate * p.durationMs) / 1000));
    const total = phaseCounts.reduce((a, b) => a + b, 0);
    const updates = {
      orderId: new Array<string>(total),
      account: new Array<number>(total),
      instrument: new Array<number>(total),
      quantity: new Array<number>(total),
      at: new Array<number>(total),
    };
    /** Copies of update i that got through; an update none got through is failed. */
    const delivered = new Uint8Array(total);
    const postbacks: Promise<void>[] = [];
    const phaseStartedAt: number[] = [];
    let maxLagMs = 0;
    let index = 0;
    const start = performance.now();
    let phaseStart = start;
    for (let p = 0; p < req.phases.length; p++) {
      const { rate, durationMs } = req.phases[p];
      const last = index + phaseCounts[p];
      const first = index;
      const intervalMs = 1000 / rate;
      phaseStartedAt.push(performance.timeOrigin + phaseStart);
      while (index < last) {
        const now = performance.now();
        while (index < last && phaseStart + (index - first) * intervalMs <= now) {
          maxLagMs = Math.max(maxLagMs, now - (phaseStart + (index - first) * intervalMs));
          const i = index++;
          const accountIndex = i % req.accounts.length;
          const account = req.accounts[accountIndex];
          const instrumentIndex = Math.floor(i / req.accounts.length) % instruments.length;
          const instrument = instruments[instrumentIndex];
          const quantity = req.quantity || instrument.lotSize;
          const order = this.fill(account.broker, account.userId, instrument, quantity, req);
          updates.orderId[i] = order.orderId;
          updates.account[i] = accountIndex;
          updates.instrument[i] = instrumentIndex;
          updates.quantity[i] = quantity;
          updates.at[i] = wallNow();
          if (account.broker === 'kite') {
            const payload = kitePostbackPayload(order, order, {
              status: 'COMPLETE',
              appId: this.options.appId,
              checksum: '',
            });
            if (req.kiteChannels.includes('postback')) {
              const checksum = postbackChecksum(
                order.orderId,
                payload.order_timestamp,
                this.options.apiSecret,
              );
              counts.postback.sent++;
              postbacks.push(
                this.post(JSON.stringify({ ...payload, checksum })).then((ok) => {
                  if (ok) delivered[i]++;
                  else counts.postback.failed++;
                }),
              );
            }
            if (req.kiteChannels.includes('ticker')) {
              counts.ticker.sent++;
              // Kite's WebSocket copy carries an empty checksum.
              if (
                this.options.kiteSendText(account.userId, JSON.stringify({ type: 'order', data: payload })) >
                0
              )
                delivered[i]++;
              else counts.ticker.failed++;
            }
          } else {
            const who = { userID: account.userId, clientID: account.userId };
            const events: [string, string][] = [
              ['order', JSON.stringify(orderRow(order, order, who, this.sequence(account.userId)))],
            ];
            if (req.xtsTrades)
              events.push([
                'trade',
                JSON.stringify(tradeRow(order, order.trades[0], who, this.sequence(account.userId))),
              ]);
            for (const [event, payload] of events) {
              counts.xts.sent++;
              if (this.options.xtsEmitRaw(account.userId, event, payload) > 0) delivered[i]++;
              else counts.xts.failed++;
            }
          }
        }
        if (index >= last) break;
        const waitMs = phaseStart + (index - first) * intervalMs - performance.now();
        if (waitMs >= 1) await sleep(Math.floor(waitMs));
        else await new Promise((resolve) => setImmediate(resolve));
      }
      phaseStart += durationMs;
      // The next phase starts on schedule, not when this one's last send happened to run.
      if (p + 1 < req.phases.length && performance.now() < phaseStart)
        await sleep(phaseStart - performance.now());
    }
    const elapsedMs = performance.now() - start;
    await Promise.all(postbacks);
    let failed = 0;
    for (let i = 0; i < total; i++) if (delivered[i] === 0) failed++;
    return {
      sent: total,
      failed,
      elapsedMs,
      achievedRate: (total / elapsedMs) * 1000,
      maxLagMs,
      phaseStartedAt,
      updates,
      channels: counts,
    };
  }

  /** A MARKET order filled in one trade at the last price, as the engine would leave it. */
  private fill(
    broker: 'kite' | 'xts',
    userId: string,
    instrument: SimInstrument,
    quantity: number,
    req: LoadRequest,
  ): SimOrder {
    const n = this.nextId++;
    const orderId =
      broker === 'kite' ? KITE_ID_PREFIX + String(n).padStart(18, '0') : String(XTS_ID_BASE + n);
    const exchangeOrderId = String(EXCHANGE_ID_BASE + n);
    const now = new Date();
    const price = this.options.engine.lastPrice(instrument);
    const snapshot: SimOrderSnapshot = {
      state: 'complete',
      quantity,
      price: 0,
      triggerPrice: 0,
      orderType: 'MARKET',
      filledQuantity: quantity,
      pendingQuantity: 0,
      cancelledQuantity: 0,
      averagePrice: price,
      statusMessage: null,
      statusMessageRaw: null,
      exchangeOrderId,
      modified: false,
      at: now,
      exchangeAt: now,
      orderTimestamp: now,
    };
    return {
      ...snapshot,
      orderId,
      broker,
      userId,
      instrument,
      side: req.side,
      product: req.product,
      validity: 'DAY',
      disclosedQuantity: 0,
      tag: null,
      variety: 'regular',
      placedAt: now,
      history: [snapshot],
      trades: [
        {
          tradeId: String(TRADE_ID_BASE + n),
          orderId,
          exchangeOrderId,
          quantity,
          price,
          time: now,
          index: 1,
        },
      ],
      sequence: n,
    };
  }

  private sequence(userID: string): number {
    const next = (this.xtsSequence.get(userID) ?? XTS_SEQUENCE_BASE) + 1;
    this.xtsSequence.set(userID, next);
    return next;
  }

  /** One postback over a keep-alive connection; true on a 2xx answer. */
  private post(body: string): Promise<boolean> {
    const url = this.postbackUrl;
    return new Promise((resolve) => {
      const req = this.transport.request(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: POSTBACK_TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
          res.once('error', () => resolve(false));
        },
      );
      req.once('timeout', () => req.destroy(new Error('postback timed out')));
      req.once('error', () => resolve(false));
      req.end(body);
    });
  }
}

function zero(): ChannelCounts {
  return { sent: 0, failed: 0 };
}
