import type { Broker, CanonicalOrder } from '@fillwire/events';
import type {
  CancelOrderRequest,
  ConnectionState,
  InstrumentResolver,
  ModifyOrderRequest,
  OrderAck,
  PlaceOrderRequest,
  PositionRecord,
  TradeRecord,
} from '../adapter.types';
import { BrokerAdapter } from '../broker.adapter';
import { BrokerAuthError, BrokerInputError, BrokerUnavailableError } from '../broker-errors';
import type { BrokerRestCallCounter } from '../rest-calls';
import type { Result } from '../result';
import { standardXtsEndpoints, type XtsEndpoints } from './xts-endpoints';
import { XtsInteractiveSocket } from './xts-interactive-socket';
import {
  normalizeXtsOrder,
  normalizeXtsOrderAck,
  normalizeXtsPosition,
  normalizeXtsPositions,
  normalizeXtsTrade,
  type XtsSession,
} from './xts-normalize';
import { toXtsCancelQuery, toXtsModifyBody, toXtsPlaceBody } from './xts-order-mapping';
import { XtsRestClient, type XtsOperation } from './xts-rest-client';

export interface JainamAdapterOptions {
  accountId: string;
  /** XTS_BASE_URL (standard deployments); or give `endpoints` (hostlookup). */
  baseUrl?: string;
  endpoints?: XtsEndpoints;
  appKey: string;
  secretKey: string;
  source?: string;
  uniqueKey?: string;
  instruments: InstrumentResolver;
  /** Dealer logins pass the client code on every call. */
  clientID?: string;
  timeoutMs?: number;
  /** Open the interactive socket on connect (default true); false = REST only. */
  socket?: boolean;
  socketTransports?: string[];
  /** On an invalid-token reply, log in once and retry the call (default true). */
  reloginOnAuthError?: boolean;
  /** Counts every REST request (fillwire_broker_rest_calls_total); none when omitted. */
  restCalls?: BrokerRestCallCounter;
}

/**
 * Jainam through Symphony XTS: REST (XtsRestClient) and the interactive socket (EIO=3). Reconnection is
 * the gateway's: it watches `broker.connection` events (or `onStateChange`) and calls
 * `connectSocket()` again with its own backoff; `relogin()` is single-flight.
 */
export class JainamAdapter extends BrokerAdapter {
  readonly broker: Broker = 'jainam';
  readonly rest: XtsRestClient;
  private socket: XtsInteractiveSocket | null = null;
  private readonly endpoints: XtsEndpoints;
  private readonly stateListeners = new Set<(state: ConnectionState, reason: string | null) => void>();
  private socketState: ConnectionState = 'disconnected';

  constructor(private readonly options: JainamAdapterOptions) {
    super(options.accountId);
    const endpoints =
      options.endpoints ?? (options.baseUrl ? standardXtsEndpoints(options.baseUrl) : undefined);
    if (!endpoints) throw new Error('JainamAdapter needs baseUrl or endpoints');
    this.endpoints = endpoints;
    this.rest = new XtsRestClient({
      endpoints,
      appKey: options.appKey,
      secretKey: options.secretKey,
      ...(options.source ? { source: options.source } : {}),
      ...(options.uniqueKey ? { uniqueKey: options.uniqueKey } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.restCalls ? { restCalls: options.restCalls } : {}),
    });
  }

  get connectionState(): ConnectionState {
    return this.socketState;
  }

  /** Socket state changes, for a gateway's state machine (also pushed as `broker.connection`). */
  onStateChange(listener: (state: ConnectionState, reason: string | null) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Logs in (once) and opens the socket unless REST only. */
  async connect(): Promise<void> {
    await this.rest.ensureSession();
    if (this.options.socket !== false) await this.connectSocket();
  }

  /** (Re)opens the interactive socket with the current session. */
  async connectSocket(): Promise<void> {
    this.socket?.close();
    const session = await this.rest.ensureSession();
    const socket = new XtsInteractiveSocket({
      origin: this.endpoints.origin,
      path: this.endpoints.socketPath,
      token: session.token,
      userID: session.userID ?? this.accountId,
      ...(this.options.socketTransports ? { transports: this.options.socketTransports } : {}),
      ...(this.options.timeoutMs ? { connectTimeoutMs: this.options.timeoutMs } : {}),
      onEvent: (event, payload, receivedAt) => this.handleSocketEvent(event, payload, receivedAt),
      onState: (state, reason) => {
        if (this.socket !== socket) return;
        // Only forget the session this socket used; a newer login must survive a late logout.
        if ((state === 'auth-failed' || state === 'logged-out') && this.rest.current?.token === session.token)
          this.rest.setSession(null);
        this.setSocketState(state, reason);
      },
    });
    this.socket = socket;
    await socket.connect();
  }

  /** Logs in again (single-flight; no second session when one is already being made). */
  async relogin(): Promise<XtsSession> {
    return this.rest.login(this.rest.current?.token);
  }

  async disconnect(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.setSocketState('disconnected', 'closed by us');
    await Promise.resolve();
  }

  async placeOrder(request: PlaceOrderRequest): Promise<OrderAck> {
    const body = this.require(toXtsPlaceBody(request, this.options.instruments, this.options.clientID));
    const result = await this.call('write', 'POST', '/orders', { body });
    return this.reply(
      normalizeXtsOrderAck(result, { accountId: this.accountId, clientTag: request.tag ?? null }),
    );
  }

  async modifyOrder(request: ModifyOrderRequest): Promise<OrderAck> {
    const current = await this.currentOrder(request.brokerOrderId);
    const body = this.require(toXtsModifyBody(request, current, this.options.clientID));
    const result = await this.call('write', 'PUT', '/orders', { body });
    return this.reply(
      normalizeXtsOrderAck(result, { accountId: this.accountId, clientTag: current.clientTag }),
    );
  }

  async cancelOrder(request: CancelOrderRequest): Promise<OrderAck> {
    const params = this.require(toXtsCancelQuery(request.brokerOrderId, null, this.options.clientID));
    const result = await this.call('write', 'DELETE', '/orders', { params });
    return this.reply(normalizeXtsOrderAck(result, { accountId: this.accountId }));
  }

  async getOrderBook(): Promise<CanonicalOrder[]> {
    const result = await this.call('read', 'GET', '/orders', { params: this.clientParams() });
    return this.rows(result, (row) => normalizeXtsOrder(row, this.ctx()));
  }

  async getOrderHistory(brokerOrderId: string): Promise<CanonicalOrder[]> {
    const result = await this.call('read', 'GET', '/orders', {
      params: { ...this.clientParams(), appOrderID: brokerOrderId },
    });
    return this.rows(result, (row) => normalizeXtsOrder(row, this.ctx()));
  }

  async getTrades(): Promise<TradeRecord[]> {
    const result = await this.call('read', 'GET', '/orders/trades', { params: this.clientParams() });
    return this.rows(result, (row) => normalizeXtsTrade(row, this.ctx()));
  }

  async getPositions(dayOrNet: 'NetWise' | 'DayWise' = 'NetWise'): Promise<PositionRecord[]> {
    const result = await this.call('read', 'GET', '/portfolio/positions', {
      params: { ...this.clientParams(), dayOrNet },
    });
    const positions = normalizeXtsPositions(result, {
      ...this.ctx(),
      scope: dayOrNet === 'DayWise' ? 'day' : 'net',
    });
    if (!positions.ok)
      throw new BrokerUnavailableError(
        'jainam',
        `unusable positions reply: ${positions.error}`,
        'DataException',
      );
    return positions.value;
  }

  private handleSocketEvent(
    event: 'order' | 'trade' | 'position',
    payload: unknown,
    receivedAt: number,
  ): void {
    const meta = { channel: 'socket' as const, receivedAt };
    switch (event) {
      case 'order': {
        const r = normalizeXtsOrder(payload, this.ctx());
        if (r.ok) this.onOrder(r.value, meta, payload);
        else this.onError(r.error, 'socket', payload);
        return;
      }
      case 'trade': {
        const r = normalizeXtsTrade(payload, this.ctx());
        if (r.ok) this.onTrade(r.value, meta, payload);
        else this.onError(r.error, 'socket', payload);
        return;
      }
      case 'position': {
        const r = normalizeXtsPosition(payload, this.ctx());
        if (r.ok) this.onPosition(r.value, meta, payload);
        else this.onError(r.error, 'socket', payload);
        return;
      }
    }
  }

  private async currentOrder(brokerOrderId: string): Promise<CanonicalOrder> {
    const history = await this.getOrderHistory(brokerOrderId);
    const current = history.at(-1);
    if (!current) throw new BrokerInputError('jainam', `order ${brokerOrderId} not found`, null);
    return current;
  }

  /** A REST call; an invalid token leads to one single-flight re-login and one retry. */
  private async call(
    operation: XtsOperation,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { params?: object; body?: object },
  ): Promise<unknown> {
    const token = this.rest.current?.token;
    try {
      return await this.rest.request(operation, method, path, options);
    } catch (error) {
      if (!(error instanceof BrokerAuthError) || this.options.reloginOnAuthError === false) throw error;
      await this.rest.login(token);
      return this.rest.request(operation, method, path, options);
    }
  }

  private ctx() {
    return { accountId: this.accountId, instruments: this.options.instruments };
  }

  private clientParams(): Record<string, string> {
    return this.options.clientID ? { clientID: this.options.clientID } : {};
  }

  private setSocketState(state: ConnectionState, reason: string | null): void {
    this.socketState = state;
    this.onConnection(state, reason);
    for (const listener of this.stateListeners) listener(state, reason);
  }

  private rows<T>(result: unknown, normalize: (row: unknown) => Result<T>): T[] {
    if (!Array.isArray(result))
      throw new BrokerUnavailableError('jainam', 'expected a list in the reply', 'DataException');
    const out: T[] = [];
    for (const row of result as unknown[]) {
      const r = normalize(row);
      if (r.ok) out.push(r.value);
      else this.onError(r.error, 'rest', row);
    }
    return out;
  }

  private require<T>(result: Result<T>): T {
    if (result.ok) return result.value;
    throw new BrokerInputError('jainam', result.error, null);
  }

  private reply<T>(result: Result<T>): T {
    if (result.ok) return result.value;
    throw new BrokerUnavailableError('jainam', `unusable reply: ${result.error}`, 'DataException');
  }
}
