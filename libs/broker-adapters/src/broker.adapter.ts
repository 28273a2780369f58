import { performance } from 'node:perf_hooks';
import type { Broker, CanonicalOrder, Channel } from '@fillwire/events';
import type {
  AccountRecord,
  BrokerAdapterEvent,
  BrokerEventSink,
  CancelOrderRequest,
  ConnectionState,
  DeliveryMeta,
  ModifyOrderRequest,
  OrderAck,
  PlaceOrderRequest,
  PositionRecord,
  TickRecord,
  TradeRecord,
} from './adapter.types';

/** Epoch ms with a sub-ms fraction: when we first saw a message. */
export function receivedNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * One broker account. Technology lives here (HTTP clients, sockets, wire formats); decisions
 * (dedupe, reconciliation, reconnect policy) live in the gateways. REST calls are abstract; pushed
 * updates go through the protected `on*` hooks into the sink (the engine's `put`). A REST-only
 * broker never calls them and works unchanged.
 */
export abstract class BrokerAdapter {
  abstract readonly broker: Broker;
  private sink: BrokerEventSink | null = null;

  constructor(readonly accountId: string) {}

  /** Where pushed events go; set before `connect()` to miss nothing. */
  setSink(sink: BrokerEventSink | null): void {
    this.sink = sink;
  }

  abstract connect(): Promise<void>;
  abstract disconnect(): Promise<void>;
  abstract placeOrder(request: PlaceOrderRequest): Promise<OrderAck>;
  abstract modifyOrder(request: ModifyOrderRequest): Promise<OrderAck>;
  abstract cancelOrder(request: CancelOrderRequest): Promise<OrderAck>;
  abstract getOrderBook(): Promise<CanonicalOrder[]>;
  /** Every state the order passed through, oldest first. */
  abstract getOrderHistory(brokerOrderId: string): Promise<CanonicalOrder[]>;
  abstract getTrades(): Promise<TradeRecord[]>;
  abstract getPositions(): Promise<PositionRecord[]>;

  protected onOrder(order: CanonicalOrder, meta: DeliveryMeta, raw: unknown): void {
    this.emit({ type: 'broker.order', data: { order, meta, raw } });
  }

  protected onTrade(trade: TradeRecord, meta: DeliveryMeta, raw: unknown): void {
    this.emit({ type: 'broker.trade', data: { trade, meta, raw } });
  }

  protected onPosition(position: PositionRecord, meta: DeliveryMeta, raw: unknown): void {
    this.emit({ type: 'broker.position', data: { position, meta, raw } });
  }

  protected onAccount(account: AccountRecord, meta: DeliveryMeta): void {
    this.emit({ type: 'broker.account', data: { account, meta } });
  }

  protected onTick(tick: TickRecord, meta: DeliveryMeta): void {
    this.emit({ type: 'broker.tick', data: { tick, meta } });
  }

  protected onConnection(state: ConnectionState, reason: string | null = null): void {
    this.emit({
      type: 'broker.connection',
      data: { broker: this.broker, accountId: this.accountId, state, reason, at: Date.now() },
    });
  }

  /** A payload we could not use (never thrown: the stream goes on). */
  protected onError(error: string, channel: Channel | null, raw: unknown = null): void {
    this.emit({
      type: 'broker.error',
      data: { broker: this.broker, accountId: this.accountId, error, channel, raw, at: Date.now() },
    });
  }

  private emit(event: BrokerAdapterEvent): void {
    this.sink?.put(event);
  }
}
