import express, { type NextFunction, type Request, type Response, type RequestHandler } from 'express';
import type { z } from 'zod';
import { SimInputError, type SimOrderEngine } from '../engine/engine.types';
import { ENGINE_ORDER_TYPE, EXCHANGE_BY_SEGMENT } from './xts-format';
import type { XtsOrderFeed } from './xts-order-feed.service';
import { FixedWindowRateLimiter } from './rate-limiter';
import {
  CancelOrderQuerySchema,
  fieldErrors,
  LoginBodySchema,
  ModifyOrderBodySchema,
  OrderHistoryQuerySchema,
  PlaceOrderBodySchema,
  PositionsQuerySchema,
  type XtsFieldError,
} from './xts.schema';
import type { XtsSession, XtsSessionStore } from './xts-session.store';
import type { XtsSocketGateway } from './xts-socket.gateway';

export interface XtsRestDeps {
  engine: SimOrderEngine;
  sessions: XtsSessionStore;
  feed: XtsOrderFeed;
  sockets: XtsSocketGateway;
  rateLimit: boolean;
  now?: () => number;
}

/** Order endpoints share 10 req/s; each read endpoint allows 1 req/s (brokers.md §2.10). */
const ORDER_LIMIT = 10;
const READ_LIMIT = 1;

interface Envelope {
  type: 'success' | 'error';
  code: string;
  description: string;
  result?: unknown;
}

const success = (res: Response, code: string, description: string, result: unknown): void => {
  res.status(200).json({ type: 'success', code, description, result } satisfies Envelope);
};

const failure = (
  res: Response,
  status: number,
  code: string,
  description: string,
  result: unknown = {},
): void => {
  res.status(status).json({ type: 'error', code, description, result } satisfies Envelope);
};

const badRequest = (res: Response, code: string, errors: XtsFieldError[]): void => {
  failure(res, 400, code, 'Bad Request', { errors });
};

function sessionOf(res: Response): XtsSession {
  return res.locals.session as XtsSession;
}

/** SDKs send the login as JSON, form-encoded, or JSON text without a content type. */
function loginFields(body: unknown): unknown {
  if (typeof body !== 'string') return body ?? {};
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function parse<S extends z.ZodType>(
  res: Response,
  schema: S,
  input: unknown,
  location: XtsFieldError['location'],
  code: string,
): z.infer<S> | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  badRequest(res, code, fieldErrors(result.error, location));
  return undefined;
}

function engineError(res: Response, err: unknown): void {
  if (!(err instanceof SimInputError)) throw err;
  switch (err.kind) {
    case 'not-found':
      failure(res, 400, 'e-orders-0009', err.message);
      return;
    case 'state':
      failure(res, 400, 'e-orders-0010', err.message);
      return;
    case 'permission':
      failure(res, 403, 'e-orders-0011', err.message);
      return;
    case 'input':
      failure(res, 400, 'e-orders-0005', err.message);
      return;
  }
}

/** The `/interactive` REST API. Mount under `/interactive`. */
export function xtsRestRouter(deps: XtsRestDeps): express.Router {
  const { engine, sessions, feed, sockets } = deps;
  const limiter = new FixedWindowRateLimiter(deps.now);
  const router = express.Router();

  const authenticated: RequestHandler = (req, res, next) => {
    const header = req.headers.authorization;
    const session = sessions.get(typeof header === 'string' ? header.trim() : undefined);
    // Production answers a dead token with HTTP 200 and type:error (brokers.md pitfall 9).
    if (!session) return failure(res, 200, 'e-session-0007', 'Invalid Token');
    res.locals.session = session;
    next();
  };

  const limited =
    (bucket: string, limit: number): RequestHandler =>
    (_req, res, next) => {
      const session = sessionOf(res);
      if (deps.rateLimit && !limiter.take(`${bucket}:${session.token}`, limit)) {
        return failure(
          res,
          429,
          'RATE_LIMIT_EXCEEDED',
          `Rate limit exceeded: ${limit} request(s) per second`,
        );
      }
      next();
    };
  const read = (bucket: string) => [authenticated, limited(bucket, READ_LIMIT)];
  const write = [authenticated, limited('order-entry', ORDER_LIMIT)];

  router.post('/user/session', (req, res) => {
    const body = parse(res, LoginBodySchema, loginFields(req.body), 'body', 'e-user-0001');
    if (!body) return;
    const user = sessions.findUser(body.appKey, body.secretKey);
    if (!user) return failure(res, 400, 'e-user-0005', 'Invalid appKey or secretKey');
    const { session, replaced } = sessions.login(user, body.source ?? 'WEBAPI');
    if (replaced) sockets.logout(replaced, 'Session logged out: the user logged in again');
    const segments = ['NSECM', 'NSEFO'];
    const orderTypes = ['StopLimit', 'StopMarket', 'Limit', 'Market'];
    success(res, 's-user-0001', 'Valid User.', {
      enums: {
        socketEvent: [
          'joined',
          'error',
          'warning',
          'success',
          'order',
          'trade',
          'logout',
          'position',
          'tradeConversion',
        ],
        orderSide: ['BUY', 'SELL'],
        orderSource: ['TWSAPI', 'WebAPI', 'MobileAndroidAPI', 'MobileWindowsAPI', 'MobileIOSAPI'],
        positionSqureOffMode: ['DayWise', 'NetWise'],
        positionSquareOffQuantityType: ['Percentage', 'ExactQty'],
        dayOrNet: ['DAY', 'NET'],
        exchangeInfo: {
          NSECM: { productType: ['CNC', 'MIS', 'NRML'], orderType: orderTypes, timeInForce: ['DAY', 'IOC'] },
          NSEFO: { productType: ['MIS', 'NRML'], orderType: orderTypes, timeInForce: ['DAY', 'IOC'] },
        },
        instrumentType: ['Futures', 'Options', 'Spread', 'Equity'],
        exchangeSegment: { NSECM: 1, NSEFO: 2, NSECD: 3, BSECM: 11, BSEFO: 12, BSECD: 13, MCXFO: 51 },
      },
      clientCodes: user.clientCodes ?? [user.userID],
      exchangeSegmentArray: segments.map((key) => ({ key, value: key === 'NSECM' ? 1 : 2 })),
      token: session.token,
      userID: session.userID,
      isInvestorClient: true,
      isOneTouchUser: false,
      appVersion: '1.0.0',
      application_expiry_date: '2030-12-31',
    });
  });

  router.delete('/user/session', authenticated, (_req, res) => {
    const session = sessionOf(res);
    sessions.logout(session.token);
    sockets.logout(session, 'successfully logout from all API.');
    success(res, 's-user-0001', 'successfully logout from all API.', '');
  });

  router.get('/user/profile', ...read('profile'), (_req, res) => {
    const session = sessionOf(res);
    success(res, 's-user-0001', 'User profile', {
      ClientId: session.clientID,
      ClientName: session.user.name ?? `Simulated ${session.userID}`,
      EmailId: `${session.userID.toLowerCase()}@example.invalid`,
      MobileNo: '9999999999',
      PAN: 'ABCDE1234F',
      IncludeInAutoSquareoff: true,
      IncludeInAutoSquareoffBlocked: false,
      IsProClient: false,
      IsInvestorClient: true,
      ResidentialAddress: '',
      OfficeAddress: '',
      ClientBankInfoList: [],
      ClientExchangeDetailsList: Object.fromEntries(
        ['NSECM', 'NSEFO'].map((seg, i) => [
          seg,
          { ClientID: session.clientID, ExchangeSegNumber: i + 1, Enabled: true, ParticipantCode: '' },
        ]),
      ),
    });
  });

  router.get('/user/balance', ...read('balance'), (_req, res) => {
    const session = sessionOf(res);
    const positions = engine.positions(session.userID);
    const realised = positions.reduce((sum, p) => sum + p.realised, 0);
    const unrealised = positions.reduce((sum, p) => sum + p.unrealised, 0);
    const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
    success(res, 's-user-0001', 'Get Balance successfully', {
      BalanceList: [
        {
          limitHeader: 'ALL|ALL|ALL',
          limitObject: {
            RMSSubLimits: {
              cashAvailable: money(1_000_000),
              collateral: 0,
              marginUtilized: money(0),
              netMarginAvailable: money(1_000_000 + realised + unrealised),
              MTM: money(realised + unrealised),
              UnrealizedMTM: money(unrealised),
              RealizedMTM: money(realised),
            },
            marginAvailable: {
              CashMarginAvailable: money(1_000_000),
              AdhocMargin: money(0),
              NotinalCash: money(0),
            },
            marginUtilized: { GrossExposureMarginPresent: money(0), SpanMarginPresent: money(0) },
            limitsAssigned: {
              CNCLimit: money(0),
              turnoverLimitPresent: money(0),
              MTMLossLimitPresent: money(0),
            },
            AccountID: session.clientID,
          },
        },
      ],
    });
  });

  router.get('/orders', ...read('order-book'), (req, res) => {
    const session = sessionOf(res);
    const query = parse(res, OrderHistoryQuerySchema, req.query, 'query', 'e-orders-0002');
    if (!query) return;
    if (query.appOrderID === undefined) {
      return success(res, 's-orders-0001', 'Success order book', feed.orderBook(session.userID));
    }
    const history = feed.orderHistory(session.userID, query.appOrderID);
    if (!history) return failure(res, 400, 'e-orders-0009', 'Order not found');
    success(res, 's-orders-0001', 'Success order history', history);
  });

  router.get('/orders/trades', ...read('trades'), (_req, res) => {
    success(res, 's-orders-0001', 'Success trade book', feed.tradeBook(sessionOf(res).userID));
  });

  router.get('/portfolio/positions', ...read('positions'), (req, res) => {
    const query = parse(res, PositionsQuerySchema, req.query, 'query', 'e-portfolio-0001');
    if (!query) return;
    success(res, 's-portfolio-0001', 'Success position list', {
      positionList: feed.positions(sessionOf(res).userID),
    });
  });

  router.post('/orders', ...write, (req, res) => {
    const session = sessionOf(res);
    const body = parse(res, PlaceOrderBodySchema, req.body, 'body', 'e-orders-0002');
    if (!body) return;
    const exchange = EXCHANGE_BY_SEGMENT[body.exchangeSegment];
    const instrument = engine.findInstrumentByXtsId(exchange, body.exchangeInstrumentID);
    if (!instrument) return failure(res, 400, 'e-orders-0005', 'Instrument not found', {});
    try {
      const order = engine.place({
        userId: session.userID,
        broker: 'xts',
        exchange,
        tradingsymbol: instrument.tradingsymbol,
        side: body.orderSide,
        orderType: ENGINE_ORDER_TYPE[body.orderType],
        product: body.productType,
        quantity: body.orderQuantity,
        price: body.limitPrice,
        triggerPrice: body.stopPrice,
        disclosedQuantity: body.disclosedQuantity,
        validity: body.timeInForce,
        ...(body.orderUniqueIdentifier ? { tag: body.orderUniqueIdentifier } : {}),
      });
      success(res, 's-orders-0001', 'Request sent', orderIdResult(order.orderId, order.tag ?? '', session));
    } catch (err) {
      engineError(res, err);
    }
  });

  router.put('/orders', ...write, (req, res) => {
    const session = sessionOf(res);
    const body = parse(res, ModifyOrderBodySchema, req.body, 'body', 'e-orders-0002');
    if (!body) return;
    const order = feed.findOrder(session.userID, body.appOrderID);
    if (!order) return failure(res, 400, 'e-orders-0009', 'Order not found');
    try {
      engine.modify(session.userID, order.orderId, {
        orderType: ENGINE_ORDER_TYPE[body.modifiedOrderType],
        quantity: body.modifiedOrderQuantity,
        price: body.modifiedLimitPrice,
        triggerPrice: body.modifiedStopPrice,
        disclosedQuantity: body.modifiedDisclosedQuantity,
        validity: body.modifiedTimeInForce,
      });
      success(
        res,
        's-orders-0001',
        'Request sent',
        orderIdResult(order.orderId, body.orderUniqueIdentifier || (order.tag ?? ''), session),
      );
    } catch (err) {
      engineError(res, err);
    }
  });

  router.delete('/orders', ...write, (req, res) => {
    const session = sessionOf(res);
    const query = parse(res, CancelOrderQuerySchema, req.query, 'query', 'e-orders-0002');
    if (!query) return;
    const order = feed.findOrder(session.userID, query.appOrderID);
    if (!order) return failure(res, 400, 'e-orders-0009', 'Order not found');
    try {
      engine.cancel(session.userID, order.orderId);
      success(res, 's-user-0001', 'Request sent', [
        { AppOrderID: Number(order.orderId), ClientID: session.clientID },
      ]);
    } catch (err) {
      engineError(res, err);
    }
  });

  return router;
}

function orderIdResult(orderId: string, tag: string, session: XtsSession): Record<string, string | number> {
  return { AppOrderID: Number(orderId), OrderUniqueIdentifier: tag, ClientID: session.clientID };
}

/** Body parsing for the router: JSON, form-encoded, and raw text for content-type-less logins. */
export function xtsBodyParsers(): RequestHandler[] {
  return [
    express.json({ limit: '64kb' }),
    express.urlencoded({ extended: false, limit: '64kb' }),
    express.text({ type: () => true, limit: '64kb' }),
  ];
}

/** Unparseable bodies and unknown routes answer in the XTS envelope, never with HTML. */
export function xtsErrorHandlers(): [RequestHandler, express.ErrorRequestHandler] {
  const notFound: RequestHandler = (_req, res) => failure(res, 404, 'e-app-0404', 'Resource not found');
  const onError: express.ErrorRequestHandler = (
    err: unknown,
    _req: Request,
    res: Response,
    next: NextFunction,
  ) => {
    if (res.headersSent) return next(err);
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500;
    if (status >= 400 && status < 500) {
      return badRequest(res, 'e-app-0001', [
        {
          field: [],
          location: 'body',
          messages: [err instanceof Error ? err.message : 'invalid body'],
          types: ['parse'],
        },
      ]);
    }
    failure(res, 500, 'e-app-0500', 'Internal Server Error');
  };
  return [notFound, onError];
}
