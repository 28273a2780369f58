import axios, { type AxiosInstance } from 'axios';
import { KiteConnect } from 'kiteconnect';
import type { Broker, CanonicalOrder, Exchange } from '@fillwire/events';
import type {
  CancelOrderRequest,
  ModifyOrderRequest,
  OrderAck,
  PlaceOrderRequest,
  PositionRecord,
  TradeRecord,
} from '../adapter.types';
import { BrokerAdapter, receivedNow } from '../broker.adapter';
import { BrokerInputError, BrokerUnavailableError } from '../broker-errors';
import type { BrokerRestCallCounter, BrokerRestOperation } from '../rest-calls';
import type { Result } from '../result';
import { isKiteClientError, toKiteError } from './kite-errors';
import {
  normalizeKiteAccount,
  normalizeKiteOrder,
  normalizeKiteOrderAck,
  normalizeKitePositions,
  normalizeKiteSession,
  normalizeKiteTrade,
  type KiteSession,
} from './kite-normalize';
import { toKiteModifyParams, toKitePlaceParams } from './kite-order-mapping';
import { normalizeKiteInstruments, type KiteInstrumentList } from './kite-instruments';
import { KiteOrderStream, type KiteOrderStreamOptions } from './kite-order-stream';

type KiteClient = InstanceType<typeof KiteConnect>;
type PlaceParams = Parameters<KiteClient['placeOrder']>[1];
type ModifyParams = Parameters<KiteClient['modifyOrder']>[2];

export interface ZerodhaAdapterOptions {
  /** Kite user id (e.g. AB1234). */
  accountId: string;
  apiKey: string;
  /** Needed for generateSession (request_token exchange). */
  apiSecret?: string;
  accessToken?: string;
  /** KITE_ROOT_URL: `https://api.kite.trade` or the simulator `http://127.0.0.1:3100`. */
  rootUrl?: string;
  /** KITE_WS_URL: ticker root for order updates; null/undefined = REST only (no push). */
  wsUrl?: string | null;
  timeoutMs?: number;
  /** Counts every REST request (fillwire_broker_rest_calls_total); none when omitted. */
  restCalls?: BrokerRestCallCounter;
  /** Ticker tuning (liveness, backoff, LTP tokens). */
  stream?: Partial<
    Pick<KiteOrderStreamOptions, 'tokens' | 'livenessMs' | 'initialBackoffMs' | 'maxBackoffMs' | 'jitter'>
  >;
}

/**
 * Zerodha Kite Connect through the official `kiteconnect` client for REST and our KiteOrderStream for
 * pushed order updates (see kite-order-stream.ts for why not KiteTicker). Client traps handled here:
 * non-JSON replies resolve with `error_type: DataException` (treated as a failure); 19-digit order
 * ids stay strings (the client does not convert them, our schemas refuse unsafe numbers); and the
 * client turns timestamps into host-local Dates, which we stop at the source (see keepRawTimestamps)
 * so IST strings reach our parser whatever the host zone.
 */
export class ZerodhaAdapter extends BrokerAdapter {
  readonly broker: Broker = 'zerodha';
  private readonly kite: KiteClient;
  private stream: KiteOrderStream | null = null;
  private accessToken: string | null;

  constructor(private readonly options: ZerodhaAdapterOptions) {
    super(options.accountId);
    this.accessToken = options.accessToken ?? null;
    this.kite = new KiteConnect({
      api_key: options.apiKey,
      ...(options.accessToken ? { access_token: options.accessToken } : {}),
      ...(options.rootUrl ? { root: options.rootUrl.replace(/\/+$/, '') } : {}),
      timeout: options.timeoutMs ?? 7_000,
    });
    keepRawTimestamps(this.kite);
  }

  /** Exchanges a login `request_token` for an access token (needs apiSecret) and uses it. */
  async generateSession(requestToken: string): Promise<KiteSession> {
    if (!this.options.apiSecret)
      throw new BrokerInputError('zerodha', 'apiSecret is required for generateSession', null);
    const data = await this.call('read', 'login', () =>
      this.kite.generateSession(requestToken, this.options.apiSecret ?? ''),
    );
    const session = this.reply(normalizeKiteSession(data));
    this.setAccessToken(session.accessToken);
    return session;
  }

  setAccessToken(accessToken: string): void {
    this.accessToken = accessToken;
    this.kite.setAccessToken(accessToken);
  }

  /** Checks the session (profile + margins → onAccount) and opens the order stream when configured. */
  async connect(): Promise<void> {
    if (!this.accessToken)
      throw new BrokerInputError(
        'zerodha',
        'no access token: call generateSession or setAccessToken first',
        null,
      );
    const [profile, margins] = await Promise.all([
      this.call('read', 'profile', () => this.kite.getProfile()),
      this.call('read', 'margins', () => this.kite.getMargins()),
    ]);
    const account = normalizeKiteAccount(profile, margins, { accountId: this.accountId });
    if (account.ok) this.onAccount(account.value, { channel: 'rest', receivedAt: receivedNow() });
    else this.onError(account.error, 'rest', { profile, margins });
    if (this.options.wsUrl && !this.stream) {
      this.stream = this.createStream(this.options.wsUrl, this.accessToken);
      await this.stream.start();
    }
  }

  async disconnect(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    await stream?.stop();
  }

  /** The ticker's state (null when REST only). */
  get streamState(): KiteOrderStream['state'] | null {
    return this.stream?.state ?? null;
  }

  /** Forces the ticker to drop and reconnect (operator action, tests). */
  reconnectStream(): void {
    this.stream?.reconnect();
  }

  async placeOrder(request: PlaceOrderRequest): Promise<OrderAck> {
    const mapped = this.require(toKitePlaceParams(request));
    const data = await this.call('write', 'place', () =>
      this.kite.placeOrder(mapped.variety, mapped.params as PlaceParams),
    );
    return this.reply(
      normalizeKiteOrderAck(data, { accountId: this.accountId, clientTag: request.tag ?? null }),
    );
  }

  async modifyOrder(request: ModifyOrderRequest): Promise<OrderAck> {
    const mapped = this.require(toKiteModifyParams(request));
    const data = await this.call('write', 'modify', () =>
      this.kite.modifyOrder(mapped.variety, mapped.orderId, mapped.params as ModifyParams),
    );
    return this.reply(normalizeKiteOrderAck(data, { accountId: this.accountId }));
  }

  async cancelOrder(request: CancelOrderRequest): Promise<OrderAck> {
    const data = await this.call('write', 'cancel', () =>
      this.kite.cancelOrder('regular', request.brokerOrderId),
    );
    return this.reply(normalizeKiteOrderAck(data, { accountId: this.accountId }));
  }

  async getOrderBook(): Promise<CanonicalOrder[]> {
    const rows = await this.call('read', 'orders', () => this.kite.getOrders());
    return this.normalizeRows(rows, (row) => normalizeKiteOrder(row, { accountId: this.accountId }));
  }

  async getOrderHistory(brokerOrderId: string): Promise<CanonicalOrder[]> {
    const rows = await this.call('read', 'order_history', () => this.kite.getOrderHistory(brokerOrderId));
    return this.normalizeRows(rows, (row) => normalizeKiteOrder(row, { accountId: this.accountId }));
  }

  async getTrades(): Promise<TradeRecord[]> {
    const rows = await this.call('read', 'trades', () => this.kite.getTrades());
    return this.normalizeRows(rows, (row) => normalizeKiteTrade(row, { accountId: this.accountId }));
  }

  async getOrderTrades(brokerOrderId: string): Promise<TradeRecord[]> {
    const rows = await this.call('read', 'order_trades', () => this.kite.getOrderTrades(brokerOrderId));
    return this.normalizeRows(rows, (row) => normalizeKiteTrade(row, { accountId: this.accountId }));
  }

  async getPositions(): Promise<PositionRecord[]> {
    const data = await this.call('read', 'positions', () => this.kite.getPositions());
    const positions = normalizeKitePositions(data, { accountId: this.accountId });
    if (!positions.ok)
      throw new BrokerUnavailableError(
        'zerodha',
        `unusable positions reply: ${positions.error}`,
        'DataException',
      );
    return positions.value;
  }

  /**
   * The instrument master (`GET /instruments[/:exchange]`, a CSV dump Kite makes once a day): fetch
   * it once per day, not per lookup. The client is left to hand us the raw CSV (keepRawTimestamps).
   */
  async getInstruments(exchange?: Exchange): Promise<KiteInstrumentList> {
    const data = await this.call('read', 'instruments', () => this.kite.getInstruments(exchange));
    return normalizeKiteInstruments(data);
  }

  private createStream(url: string, accessToken: string): KiteOrderStream {
    return new KiteOrderStream({
      ...this.options.stream,
      url,
      apiKey: this.options.apiKey,
      accessToken,
      onOrder: (data, receivedAt) => {
        const order = normalizeKiteOrder(data, { accountId: this.accountId });
        if (order.ok) this.onOrder(order.value, { channel: 'ticker', receivedAt }, data);
        else this.onError(order.error, 'ticker', data);
      },
      onTicks: (ticks, receivedAt) => {
        for (const tick of ticks) this.onTick(tick, { channel: 'ticker', receivedAt });
      },
      onState: (state, reason) => this.onConnection(state, reason),
      onError: (message, raw) => this.onError(message, 'ticker', raw),
    });
  }

  /** Runs a client call (counted as sent); maps rejections and "resolved errors" to typed BrokerErrors. */
  private async call<T>(
    operation: 'read' | 'write',
    name: BrokerRestOperation,
    run: () => Promise<T>,
  ): Promise<unknown> {
    this.options.restCalls?.inc({ broker: this.broker, operation: name });
    let value: T;
    try {
      value = await run();
    } catch (error) {
      throw toKiteError(error, operation);
    }
    if (isKiteClientError(value)) throw toKiteError(value, operation);
    return value;
  }

  private normalizeRows<T>(rows: unknown, normalize: (row: unknown) => Result<T>): T[] {
    if (!Array.isArray(rows))
      throw new BrokerUnavailableError('zerodha', 'expected a list in the reply', 'DataException');
    const out: T[] = [];
    for (const row of rows as unknown[]) {
      const r = normalize(row);
      if (r.ok) out.push(r.value);
      else this.onError(r.error, 'rest', row);
    }
    return out;
  }

  /** Our request did not pass validation: the caller's mistake. */
  private require<T>(result: Result<T>): T {
    if (result.ok) return result.value;
    throw new BrokerInputError('zerodha', result.error, null);
  }

  /** The broker's reply is unusable: a broker failure (502), not the caller's. */
  private reply<T>(result: Result<T>): T {
    if (result.ok) return result.value;
    throw new BrokerUnavailableError('zerodha', `unusable reply: ${result.error}`, 'DataException');
  }
}

/**
 * kiteconnect adds a per-request response transformer that turns 19-character timestamps into
 * `new Date(str)` in the host zone. Resetting each request's transformers to axios' defaults keeps the
 * IST strings; if a future client hides its axios instance, parseBrokerTimestamp still reads the Dates.
 */
function keepRawTimestamps(kite: KiteClient): void {
  const instance = (kite as unknown as { requestInstance?: AxiosInstance }).requestInstance;
  // Kite's API answers, it never redirects: without redirects axios uses Node's http directly
  // instead of wrapping every request in follow-redirects (a tenth of order-api's CPU per order).
  if (instance) instance.defaults.maxRedirects = 0;
  instance?.interceptors.request.use((config) => {
    if (config.transformResponse) config.transformResponse = axios.defaults.transformResponse;
    return config;
  });
}
