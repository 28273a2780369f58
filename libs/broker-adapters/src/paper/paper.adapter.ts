import type { Broker, CanonicalOrder } from '@fillwire/events';
import type {
  BrokerAdapterEvent,
  CancelOrderRequest,
  ModifyOrderRequest,
  OrderAck,
  PlaceOrderRequest,
  PositionRecord,
  TradeRecord,
} from '../adapter.types';
import { BrokerAdapter } from '../broker.adapter';
import { ZerodhaAdapter } from '../kite/zerodha.adapter';

export interface PaperAdapterOptions {
  /** Our paper account id (what the user sees). */
  accountId: string;
  /** The simulated Kite user that holds the paper book (the simulator logs request_token = user id in). */
  simUserId: string;
  /** Simulator Kite REST root (default http://127.0.0.1:3100). */
  simulatorUrl?: string;
  /** Simulator ticker root for pushed updates (default ws://127.0.0.1:3100; null = REST only). */
  simulatorWsUrl?: string | null;
  apiKey?: string;
  apiSecret?: string;
  timeoutMs?: number;
}

/**
 * Paper trading for users without a broker. Fills come from the simulator's matching engine (the
 * same one behind the Kite and XTS simulators), reached over the Kite protocol: a trader expects
 * paper orders to behave like real ones (partial fills, SL triggers, tick/lot-size and margin
 * rejections, market hours), and a second, smaller fill model in this lib would drift from it.
 * Everything it returns and pushes is labelled broker `paper`.
 */
export class PaperAdapter extends BrokerAdapter {
  readonly broker: Broker = 'paper';
  private readonly inner: ZerodhaAdapter;

  constructor(private readonly options: PaperAdapterOptions) {
    super(options.accountId);
    const root = options.simulatorUrl ?? 'http://127.0.0.1:3100';
    this.inner = new ZerodhaAdapter({
      accountId: options.accountId,
      apiKey: options.apiKey ?? 'kite-demo',
      apiSecret: options.apiSecret ?? 'demo-secret',
      rootUrl: root,
      wsUrl: options.simulatorWsUrl === undefined ? root.replace(/^http/, 'ws') : options.simulatorWsUrl,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.inner.setSink({ put: (event) => this.forward(event) });
  }

  async connect(): Promise<void> {
    await this.inner.generateSession(this.options.simUserId);
    await this.inner.connect();
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  async placeOrder(request: PlaceOrderRequest): Promise<OrderAck> {
    return { ...(await this.inner.placeOrder(request)), broker: 'paper' };
  }

  async modifyOrder(request: ModifyOrderRequest): Promise<OrderAck> {
    return { ...(await this.inner.modifyOrder(request)), broker: 'paper' };
  }

  async cancelOrder(request: CancelOrderRequest): Promise<OrderAck> {
    return { ...(await this.inner.cancelOrder(request)), broker: 'paper' };
  }

  async getOrderBook(): Promise<CanonicalOrder[]> {
    return (await this.inner.getOrderBook()).map(paper);
  }

  async getOrderHistory(brokerOrderId: string): Promise<CanonicalOrder[]> {
    return (await this.inner.getOrderHistory(brokerOrderId)).map(paper);
  }

  async getTrades(): Promise<TradeRecord[]> {
    return (await this.inner.getTrades()).map(paper);
  }

  async getPositions(): Promise<PositionRecord[]> {
    return (await this.inner.getPositions()).map(paper);
  }

  private forward(event: BrokerAdapterEvent): void {
    switch (event.type) {
      case 'broker.order':
        return this.onOrder(paper(event.data.order), event.data.meta, event.data.raw);
      case 'broker.trade':
        return this.onTrade(paper(event.data.trade), event.data.meta, event.data.raw);
      case 'broker.position':
        return this.onPosition(paper(event.data.position), event.data.meta, event.data.raw);
      case 'broker.account':
        return this.onAccount(paper(event.data.account), event.data.meta);
      case 'broker.tick':
        return this.onTick(event.data.tick, event.data.meta);
      case 'broker.connection':
        return this.onConnection(event.data.state, event.data.reason);
      case 'broker.error':
        return this.onError(event.data.error, event.data.channel, event.data.raw);
    }
  }
}

function paper<T extends { broker: Broker }>(record: T): T {
  return { ...record, broker: 'paper' };
}
