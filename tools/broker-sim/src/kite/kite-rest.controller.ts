import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { SimInputError } from '../engine/engine.types';
import type { MatchingEngine } from '../engine/matching-engine';
import { istTimestamp, kiteInstrumentsCsv, kiteOrderRow, kitePositionRow, kiteTradeRow } from './kite-format';
import { kiteError, kiteSuccess, sendCsv } from './kite-http';
import type { KiteRateLimiter } from './kite-rate-limiter';
import type { KiteSession, KiteSessionStore } from './kite-session.store';

export interface KiteRestOptions {
  engine: MatchingEngine;
  sessions: KiteSessionStore;
  /** 10 order requests per second per user; null turns it off (benchmarks). */
  limiter: KiteRateLimiter | null;
  /** Called after a token was invalidated by DELETE /session/token (closes its ticker sockets). */
  onLogout?: (session: KiteSession) => void;
}

const EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX'] as const;
const ORDER_TYPES = ['MARKET', 'LIMIT', 'SL', 'SL-M'] as const;
const PRODUCTS = ['CNC', 'MIS', 'NRML', 'MTF'] as const;
const VALIDITIES = ['DAY', 'IOC'] as const;
const SUPPORTED_VARIETIES = new Set(['regular', 'amo']);

const formNumber = z.preprocess(
  (v) => (v === '' || v === undefined ? undefined : Number(v)),
  z.number().finite(),
);
const formInt = z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().int());

const PlaceBodySchema = z.object({
  tradingsymbol: z.string().min(1),
  exchange: z.enum(EXCHANGES),
  transaction_type: z.enum(['BUY', 'SELL']),
  order_type: z.enum(ORDER_TYPES),
  quantity: formInt,
  product: z.enum(PRODUCTS),
  price: formNumber.optional(),
  trigger_price: formNumber.optional(),
  disclosed_quantity: formInt.optional(),
  validity: z.enum(VALIDITIES).optional(),
  tag: z
    .string()
    .max(20)
    .regex(/^[A-Za-z0-9 _:-]*$/)
    .optional(),
});

const ModifyBodySchema = z.object({
  order_type: z.enum(ORDER_TYPES).optional(),
  quantity: formInt.optional(),
  price: formNumber.optional(),
  trigger_price: formNumber.optional(),
  disclosed_quantity: formInt.optional(),
  validity: z.enum(VALIDITIES).optional(),
});

const SessionBodySchema = z.object({
  api_key: z.string().min(1),
  request_token: z.string().min(1),
  checksum: z.string().min(1),
});

type Parsed<T> = { ok: true; data: T } | { ok: false };

/** Zod parse with Kite's "Invalid `field`." message on the first bad field. */
function parseForm<S extends z.ZodType>(res: Response, schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, data: result.data };
  const field = result.error.issues[0]?.path.join('.') ?? 'input';
  kiteError(res, 400, 'InputException', `Invalid \`${field}\`.`);
  return { ok: false };
}

const sessionOf = (res: Response): KiteSession => res.locals.session as KiteSession;

function engineError(res: Response, err: unknown): void {
  if (!(err instanceof SimInputError)) throw err;
  switch (err.kind) {
    case 'not-found':
      return kiteError(res, 404, 'GeneralException', err.message);
    case 'permission':
      return kiteError(res, 403, 'PermissionException', err.message);
    case 'state':
    case 'input':
      return kiteError(res, 400, 'InputException', err.message);
  }
}

/** Kite Connect v3 REST routes (brokers.md §1). Thin: parse, call the engine, format. */
export function kiteRestRouter(options: KiteRestOptions): Router {
  const { engine, sessions } = options;
  const router = express.Router();
  const { limiter } = options;

  router.use(express.urlencoded({ extended: false, limit: '32kb' }));

  router.post('/session/token', (req, res) => {
    const body = parseForm(res, SessionBodySchema, req.body);
    if (!body.ok) return;
    const login = sessions.login(body.data.api_key, body.data.request_token, body.data.checksum);
    if (!login.ok) return kiteError(res, 403, 'TokenException', login.message);
    const { session, user } = login;
    kiteSuccess(res, {
      user_type: 'individual',
      email: user.email,
      user_name: user.name,
      user_shortname: user.name.split(' ')[0],
      broker: 'ZERODHA',
      exchanges: ['NSE', 'NFO', 'BFO', 'CDS', 'BSE', 'MCX', 'BCD', 'MF'],
      products: ['CNC', 'NRML', 'MIS', 'BO', 'CO'],
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      avatar_url: null,
      user_id: user.userId,
      api_key: sessions.apiKey,
      access_token: session.accessToken,
      public_token: session.publicToken,
      enctoken: session.publicToken,
      refresh_token: '',
      silo: '',
      login_time: istTimestamp(session.loginTime),
      meta: { demat_consent: 'physical' },
    });
  });

  router.delete('/session/token', (req, res) => {
    const apiKey = typeof req.query.api_key === 'string' ? req.query.api_key : undefined;
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    const session = sessions.get(apiKey, token) ?? sessions.fromAuthorization(req.header('authorization'));
    if (!session) return kiteError(res, 403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
    sessions.invalidate(session.accessToken);
    options.onLogout?.(session);
    kiteSuccess(res, true);
  });

  const auth = (req: Request, res: Response, next: NextFunction): void => {
    const session = sessions.fromAuthorization(req.header('authorization'));
    if (!session) return kiteError(res, 403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
    res.locals.session = session;
    next();
  };
  const orderLimit = (_req: Request, res: Response, next: NextFunction): void => {
    if (limiter && !limiter.take(sessionOf(res).userId)) {
      return kiteError(res, 429, 'NetworkException', 'Too many requests');
    }
    next();
  };

  router.get('/user/profile', auth, (_req, res) => {
    const user = sessions.user(sessionOf(res).userId);
    kiteSuccess(res, {
      user_id: user?.userId,
      user_type: 'individual',
      email: user?.email,
      user_name: user?.name,
      user_shortname: user?.name.split(' ')[0],
      broker: 'ZERODHA',
      exchanges: ['BFO', 'MCX', 'NSE', 'CDS', 'BSE', 'BCD', 'MF', 'NFO'],
      products: ['CNC', 'NRML', 'MIS', 'BO', 'CO'],
      order_types: ['MARKET', 'LIMIT', 'SL', 'SL-M'],
      avatar_url: null,
      meta: { demat_consent: 'physical' },
    });
  });

  const segmentMargins = (userId: string, segment: 'equity' | 'commodity') => {
    const m = engine.margins(userId);
    const funds = segment === 'equity' ? m.funds : 0;
    const utilised = segment === 'equity' ? m.utilised : 0;
    const net = Math.round((funds - utilised) * 100) / 100;
    return {
      enabled: true,
      net,
      available: {
        adhoc_margin: 0,
        cash: funds,
        opening_balance: funds,
        live_balance: net,
        collateral: 0,
        intraday_payin: 0,
      },
      utilised: {
        debits: utilised,
        exposure: 0,
        m2m_realised: 0,
        m2m_unrealised: 0,
        option_premium: 0,
        payout: 0,
        span: utilised,
        holding_sales: 0,
        turnover: 0,
        liquid_collateral: 0,
        stock_collateral: 0,
        delivery: 0,
      },
    };
  };

  router.get('/user/margins', auth, (_req, res) => {
    const userId = sessionOf(res).userId;
    kiteSuccess(res, {
      equity: segmentMargins(userId, 'equity'),
      commodity: segmentMargins(userId, 'commodity'),
    });
  });

  router.get('/user/margins/:segment', auth, (req, res) => {
    const segment = req.params.segment;
    if (segment !== 'equity' && segment !== 'commodity') {
      return kiteError(res, 400, 'InputException', 'Invalid segment.');
    }
    kiteSuccess(res, segmentMargins(sessionOf(res).userId, segment));
  });

  router.post('/orders/:variety', auth, orderLimit, (req, res) => {
    const variety = String(req.params.variety);
    if (!SUPPORTED_VARIETIES.has(variety)) return kiteError(res, 400, 'InputException', 'Invalid `variety`.');
    const body = parseForm(res, PlaceBodySchema, req.body);
    if (!body.ok) return;
    const b = body.data;
    try {
      const order = engine.place({
        userId: sessionOf(res).userId,
        broker: 'kite',
        exchange: b.exchange,
        tradingsymbol: b.tradingsymbol,
        side: b.transaction_type,
        orderType: b.order_type,
        product: b.product,
        quantity: b.quantity,
        price: b.price,
        triggerPrice: b.trigger_price,
        disclosedQuantity: b.disclosed_quantity,
        validity: b.validity,
        tag: b.tag || undefined,
        variety,
      });
      kiteSuccess(res, { order_id: order.orderId });
    } catch (err) {
      engineError(res, err);
    }
  });

  router.put('/orders/:variety/:order_id', auth, orderLimit, (req, res) => {
    const body = parseForm(res, ModifyBodySchema, req.body);
    if (!body.ok) return;
    const b = body.data;
    try {
      const order = engine.modify(sessionOf(res).userId, String(req.params.order_id), {
        orderType: b.order_type,
        quantity: b.quantity,
        price: b.price,
        triggerPrice: b.trigger_price,
        disclosedQuantity: b.disclosed_quantity,
        validity: b.validity,
      });
      kiteSuccess(res, { order_id: order.orderId });
    } catch (err) {
      engineError(res, err);
    }
  });

  router.delete('/orders/:variety/:order_id', auth, orderLimit, (req, res) => {
    try {
      const order = engine.cancel(sessionOf(res).userId, String(req.params.order_id));
      kiteSuccess(res, { order_id: order.orderId });
    } catch (err) {
      engineError(res, err);
    }
  });

  const kiteOrders = (userId: string) => engine.orders(userId).filter((o) => o.broker === 'kite');
  const findOrder = (res: Response, orderId: string) => {
    const order = engine.order(sessionOf(res).userId, orderId);
    if (!order || order.broker !== 'kite') {
      kiteError(res, 404, 'GeneralException', "Couldn't find that `order_id`.");
      return undefined;
    }
    return order;
  };

  router.get('/orders', auth, (_req, res) => {
    kiteSuccess(
      res,
      kiteOrders(sessionOf(res).userId).map((o) => kiteOrderRow(o)),
    );
  });

  router.get('/orders/:order_id', auth, (req, res) => {
    const order = findOrder(res, String(req.params.order_id));
    if (order)
      kiteSuccess(
        res,
        order.history.map((s) => kiteOrderRow(order, s)),
      );
  });

  router.get('/orders/:order_id/trades', auth, (req, res) => {
    const order = findOrder(res, String(req.params.order_id));
    if (order)
      kiteSuccess(
        res,
        order.trades.map((t) => kiteTradeRow(order, t)),
      );
  });

  router.get('/trades', auth, (_req, res) => {
    const rows = kiteOrders(sessionOf(res).userId).flatMap((o) => o.trades.map((t) => ({ o, t })));
    rows.sort((a, b) => a.t.time.getTime() - b.t.time.getTime());
    kiteSuccess(
      res,
      rows.map(({ o, t }) => kiteTradeRow(o, t)),
    );
  });

  router.get('/portfolio/positions', auth, (_req, res) => {
    const rows = engine.positions(sessionOf(res).userId).map(kitePositionRow);
    kiteSuccess(res, { net: rows, day: rows });
  });

  router.get('/portfolio/holdings', auth, (_req, res) => kiteSuccess(res, []));

  router.get('/instruments', auth, (req, res) => sendCsv(req, res, kiteInstrumentsCsv(engine.instruments)));
  router.get('/instruments/:exchange', auth, (req, res) => {
    const exchange = String(req.params.exchange).toUpperCase();
    if (!(EXCHANGES as readonly string[]).includes(exchange))
      return kiteError(res, 400, 'InputException', 'Invalid `exchange`.');
    sendCsv(req, res, kiteInstrumentsCsv(engine.instruments.filter((i) => i.exchange === exchange)));
  });

  const methodNotAllowed = (_req: Request, res: Response): void =>
    kiteError(res, 405, 'InputException', 'Method not allowed.');
  router.all(
    [
      '/session/token',
      '/user/profile',
      '/user/margins',
      '/user/margins/:segment',
      '/orders',
      '/orders/:a',
      '/orders/:a/:b',
      '/trades',
      '/portfolio/positions',
      '/portfolio/holdings',
      '/instruments',
      '/instruments/:exchange',
    ],
    methodNotAllowed,
  );

  return router;
}

/** Last handlers: unknown routes and body errors, still as Kite JSON. */
export function kiteFallbackHandlers() {
  return [
    (_req: Request, res: Response): void => kiteError(res, 404, 'GeneralException', 'Route not found.'),
    (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
      const status = (err as { status?: number }).status;
      if (status && status >= 400 && status < 500) {
        return kiteError(res, status, 'InputException', 'Invalid request.');
      }
      kiteError(res, 500, 'GeneralException', 'Internal error.');
    },
  ];
}
