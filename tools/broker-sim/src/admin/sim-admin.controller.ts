import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SimOrder } from '../engine/engine.types';
import type { MatchingEngine } from '../engine/matching-engine';
import {
  ChannelFaultsSchema,
  FAULT_CHANNELS,
  type FaultChannel,
  type FaultInjector,
} from '../faults/fault-injector';
import { sendJson } from '../kite/kite-http';
import type { KiteParts } from '../kite/kite-simulator';
import { LoadRequestSchema } from '../load/sim-load.schema';
import { LoadBusyError, LoadInputError, type SimLoadService } from '../load/sim-load.service';

export interface SimAdminOptions {
  engine: MatchingEngine;
  faults: FaultInjector;
  kite: KiteParts;
  /** The XTS layer's raw emit; returns how many sockets it reached. */
  xtsEmitRaw: (userID: string, event: string, payload: unknown) => number;
  urls: () => { kite: string; xts: string };
  load: SimLoadService;
}

const PostbackBodySchema = z.object({
  payload: z.unknown().refine((v) => v !== undefined, 'payload is required'),
  checksum: z.string().min(1).optional(),
});
const KiteWsBodySchema = z.object({
  userId: z.string().min(1),
  frame: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]),
});
const XtsEmitBodySchema = z.object({
  userID: z.string().min(1),
  event: z.string().min(1),
  payload: z.unknown(),
});

const ChannelRequestSchema = ChannelFaultsSchema.partial().extend({
  /** Closes the channel's sockets now. */
  disconnect: z.boolean().optional(),
  /** Invalidates tokens now: true = every user, a string = that user. */
  tokenExpiry: z.union([z.boolean(), z.string().min(1)]).optional(),
  /** Limits `disconnect` to one user. */
  userId: z.string().min(1).optional(),
});
type ChannelRequest = z.infer<typeof ChannelRequestSchema>;

export const FaultsBodySchema = z.union([
  ChannelRequestSchema.extend({ channel: z.enum(FAULT_CHANNELS), reset: z.boolean().optional() }).strict(),
  z
    .object({
      reset: z.boolean().optional(),
      channels: z.partialRecord(z.enum(FAULT_CHANNELS), ChannelRequestSchema.strict()).optional(),
    })
    .strict(),
]);

const PriceBodySchema = z
  .object({
    tradingsymbol: z.string().min(1).optional(),
    exchange: z.enum(['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX']).optional(),
    instrument_token: z.number().int().optional(),
    price: z.number().positive().optional(),
    /** Moves the price by this many rupees (negative = down). */
    move: z.number().optional(),
  })
  .refine(
    (b) => b.tradingsymbol !== undefined || b.instrument_token !== undefined,
    'tradingsymbol or instrument_token',
  )
  .refine((b) => (b.price === undefined) !== (b.move === undefined), 'exactly one of price or move');

const FundsBodySchema = z.object({ userId: z.string().min(1), funds: z.number().nonnegative() });
const MarketHoursBodySchema = z.object({ mode: z.enum(['always', 'nse']) });

const ok = (res: Response, data: unknown) => sendJson(res, 200, { status: 'success', data });
const bad = (res: Response, message: string) => sendJson(res, 400, { status: 'error', message });

function parse<S extends z.ZodType>(res: Response, schema: S, input: unknown): z.infer<S> | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  bad(res, result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return undefined;
}

/** Ground-truth view of an order: engine state with the instrument reduced to its ids. */
export function orderTruth(o: SimOrder) {
  const { instrument, ...rest } = o;
  return {
    ...rest,
    instrument: {
      exchange: instrument.exchange,
      tradingsymbol: instrument.tradingsymbol,
      kiteToken: instrument.kiteToken,
      xtsId: instrument.xtsId,
      lotSize: instrument.lotSize,
      tickSize: instrument.tickSize,
    },
  };
}

/** Applies a POST /_sim/faults body; returns what the actions did. */
export function applyFaults(faults: FaultInjector, body: z.infer<typeof FaultsBodySchema>) {
  if (body.reset) faults.clear();
  const requests: [FaultChannel, ChannelRequest][] =
    'channel' in body
      ? [[body.channel, body]]
      : (Object.entries(body.channels ?? {}) as [FaultChannel, ChannelRequest][]);
  let disconnected = 0;
  let expired = 0;
  for (const [channel, request] of requests) {
    const { disconnect, tokenExpiry, userId, ...settings } = request;
    const clean = Object.fromEntries(
      Object.entries(settings).filter(([k, v]) => k !== 'channel' && k !== 'reset' && v !== undefined),
    );
    faults.set(channel, clean);
    if (disconnect) disconnected += faults.disconnect(channel, userId);
    if (tokenExpiry)
      expired += faults.expireTokens(channel, typeof tokenExpiry === 'string' ? tokenExpiry : userId);
  }
  return { disconnected, expired };
}

/** The simulator admin API (`/_sim/*`, public paths: see the architecture brief). */
export function simAdminRouter(options: SimAdminOptions): Router {
  const { engine, faults, kite } = options;
  const router = express.Router();
  router.use('/_sim', express.json({ limit: '1mb' }));

  router.post('/_sim/kite/postback', async (req: Request, res: Response) => {
    const body = parse(res, PostbackBodySchema, req.body);
    if (!body) return;
    const httpStatus = await kite.postbacks.sendRaw(body.payload, body.checksum);
    ok(res, { httpStatus });
  });

  router.post('/_sim/kite/ws', (req, res) => {
    const body = parse(res, KiteWsBodySchema, req.body);
    if (!body) return;
    const frame = typeof body.frame === 'string' ? body.frame : JSON.stringify(body.frame);
    ok(res, { sent: kite.ticker.sendText(body.userId, frame) });
  });

  router.post('/_sim/xts/emit', (req, res) => {
    const body = parse(res, XtsEmitBodySchema, req.body);
    if (!body) return;
    ok(res, { sent: options.xtsEmitRaw(body.userID, body.event, body.payload) });
  });

  router.post('/_sim/load', async (req, res) => {
    const body = parse(res, LoadRequestSchema, req.body);
    if (!body) return;
    try {
      ok(res, await options.load.run(body));
    } catch (err) {
      if (err instanceof LoadBusyError) return sendJson(res, 409, { status: 'error', message: err.message });
      if (err instanceof LoadInputError) return bad(res, err.message);
      throw err;
    }
  });

  router.post('/_sim/faults', (req, res) => {
    const body = parse(res, FaultsBodySchema, req.body);
    if (!body) return;
    const actions = applyFaults(faults, body);
    ok(res, { faults: faults.get(), ...actions });
  });

  router.get('/_sim/faults', (_req, res) => {
    ok(res, { faults: faults.get(), postbacks: { ...kite.postbacks.stats } });
  });

  router.get('/_sim/orders', (req, res) => {
    const userId = typeof req.query.userId === 'string' ? req.query.userId : undefined;
    const orders = engine.allOrders().filter((o) => userId === undefined || o.userId === userId);
    const users = userId ? [userId] : engine.users();
    const positions = Object.fromEntries(
      users.map((u) => [
        u,
        engine.positions(u).map((p) => ({
          ...p,
          instrument: { exchange: p.instrument.exchange, tradingsymbol: p.instrument.tradingsymbol },
        })),
      ]),
    );
    ok(res, { orders: orders.map(orderTruth), positions });
  });

  router.post('/_sim/reset', (_req, res) => {
    engine.reset();
    faults.clear();
    kite.resetRateLimits();
    ok(res, true);
  });

  router.post('/_sim/price', (req, res) => {
    const body = parse(res, PriceBodySchema, req.body);
    if (!body) return;
    const instrument =
      body.instrument_token !== undefined
        ? engine.findInstrumentByToken(body.instrument_token)
        : engine.instruments.find(
            (i) =>
              i.tradingsymbol === body.tradingsymbol &&
              (body.exchange === undefined || i.exchange === body.exchange),
          );
    if (!instrument) return bad(res, 'unknown instrument');
    const target = body.price ?? engine.lastPrice(instrument) + (body.move ?? 0);
    if (!(target > 0)) return bad(res, 'price must stay positive');
    const lastPrice = engine.setPrice(instrument, target);
    ok(res, {
      exchange: instrument.exchange,
      tradingsymbol: instrument.tradingsymbol,
      instrument_token: instrument.kiteToken,
      lastPrice,
    });
  });

  router.get('/_sim/instruments', (_req, res) => {
    ok(
      res,
      engine.instruments.map((i) => ({ ...i, lastPrice: engine.lastPrice(i) })),
    );
  });

  router.post('/_sim/funds', (req, res) => {
    const body = parse(res, FundsBodySchema, req.body);
    if (!body) return;
    engine.setFunds(body.userId, body.funds);
    ok(res, engine.margins(body.userId));
  });

  router.post('/_sim/market-hours', (req, res) => {
    const body = parse(res, MarketHoursBodySchema, req.body);
    if (!body) return;
    engine.setMarketHours(body.mode);
    ok(res, body);
  });

  router.get('/_sim/health', (_req, res) => {
    ok(res, {
      status: 'ok',
      ...options.urls(),
      orders: engine.allOrders().length,
      tickerConnections: kite.ticker.connections(),
    });
  });

  router.use('/_sim', (_req, res) => sendJson(res, 404, { status: 'error', message: 'unknown admin route' }));
  return router;
}
