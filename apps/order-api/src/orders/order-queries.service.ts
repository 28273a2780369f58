import { Inject, Injectable } from '@nestjs/common';
import type { PositionRecord as BrokerPositionRecord, TradeRecord } from '@fillwire/broker-adapters';
import type { CanonicalOrder } from '@fillwire/events';
import type { BrokerAccount, Principal } from '@fillwire/identity';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import {
  PortfolioReadRepository,
  type Fill,
  type PositionRecord,
  type TimelineEntry,
} from '@fillwire/portfolio-state';
import type Redis from 'ioredis';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { notFound } from './api-error';
import { OrderRegistryRepository, type PlacedOrder } from './order-registry.repository';
import { OrdersService } from './orders.service';

/** Where an answer came from: portfolio-manager's merged state, or the broker's REST book. */
export type ReadSource = 'portfolio' | 'broker';

export interface OrderView extends CanonicalOrder {
  orderId: string;
  readFrom: ReadSource;
}

export interface TimelineItem {
  at: number;
  event: string;
  channel: string | null;
  status: string | null;
  filledQuantity: number | null;
  /** How late this update reached us after the broker's time (ms), where known. */
  latencyMs: number | null;
  verdict?: string;
  eventId?: string;
}

/**
 * Reads: from the portfolio state (portfolio-manager's merge of every channel, with timelines) when
 * it tracks the account, else from the broker's REST order book, trades and positions.
 */
@Injectable()
export class OrderQueriesService {
  private readonly portfolio: PortfolioReadRepository;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(APP_CONFIG) config: OrderApiConfig,
    private readonly orders: OrdersService,
    private readonly registry: OrderRegistryRepository,
  ) {
    this.portfolio = new PortfolioReadRepository(redis, { prefix: config.FILLWIRE_PREFIX });
  }

  async listOrders(principal: Principal, accountId?: string): Promise<OrderView[]> {
    const out: OrderView[] = [];
    for (const account of this.accounts(principal, accountId)) {
      const records = await this.portfolio.listOrders(account);
      if (records.length > 0) out.push(...records.map((r) => view(r.order, 'portfolio')));
      else out.push(...(await this.orders.broker(account, (a) => a.getOrderBook())).map((o) => view(o, 'broker')));
    }
    return out;
  }

  async getOrder(principal: Principal, orderId: string): Promise<OrderView & { timeline: TimelineItem[]; protection?: PlacedOrder['protection'] }> {
    const account = await this.orders.owningAccount(principal, orderId);
    const placed = await this.registry.get(orderId);
    const ref = { broker: account.broker, accountId: account.accountId, brokerOrderId: orderId };
    const start: TimelineItem[] = placed ? [placedItem(placed)] : [];
    const record = await this.portfolio.getOrder(ref);
    if (record) {
      const timeline = (await this.portfolio.getTimeline(ref)).map(timelineItem);
      const protection = record.meta?.protection ?? placed?.protection;
      return { ...view(record.order, 'portfolio'), timeline: [...start, ...timeline], ...(protection ? { protection } : {}) };
    }
    const history = await this.orders.broker(account, (a) => a.getOrderHistory(orderId));
    const current = history.at(-1);
    if (!current) throw notFound(`no order ${orderId}`);
    const timeline = history.map(
      (o): TimelineItem => ({
        at: o.brokerTimestamp ?? 0,
        event: 'broker-history',
        channel: 'rest',
        status: o.status,
        filledQuantity: o.filledQuantity,
        latencyMs: null,
      }),
    );
    return { ...view(current, 'broker'), timeline: [...start, ...timeline], ...(placed?.protection ? { protection: placed.protection } : {}) };
  }

  async listTrades(principal: Principal, accountId?: string): Promise<Array<(Fill | TradeRecord) & { readFrom: ReadSource }>> {
    const out: Array<(Fill | TradeRecord) & { readFrom: ReadSource }> = [];
    for (const account of this.accounts(principal, accountId)) {
      const fills = await this.portfolio.listTrades(account);
      if (fills.length > 0) out.push(...fills.map((f) => ({ ...f, readFrom: 'portfolio' as const })));
      else out.push(...(await this.orders.broker(account, (a) => a.getTrades())).map((t) => ({ ...t, readFrom: 'broker' as const })));
    }
    return out;
  }

  async listPositions(
    principal: Principal,
    accountId?: string,
  ): Promise<Array<(PositionRecord | BrokerPositionRecord) & { readFrom: ReadSource }>> {
    const out: Array<(PositionRecord | BrokerPositionRecord) & { readFrom: ReadSource }> = [];
    for (const account of this.accounts(principal, accountId)) {
      const positions = await this.portfolio.listPositions(account);
      if (positions.length > 0) out.push(...positions.map((p) => ({ ...p, readFrom: 'portfolio' as const })));
      else out.push(...(await this.orders.broker(account, (a) => a.getPositions())).map((p) => ({ ...p, readFrom: 'broker' as const })));
    }
    return out;
  }

  private accounts(principal: Principal, accountId?: string): BrokerAccount[] {
    return accountId === undefined ? principal.accounts : [this.orders.account(principal, accountId)];
  }
}

function view(order: CanonicalOrder, source: ReadSource): OrderView {
  return { orderId: order.brokerOrderId, ...order, readFrom: source };
}

function placedItem(placed: PlacedOrder): TimelineItem {
  return {
    at: placed.receivedAt,
    event: 'order.placed',
    channel: 'rest',
    status: 'PENDING',
    filledQuantity: 0,
    latencyMs: Math.round(placed.brokerLatencyMs * 100) / 100,
    ...(placed.eventId ? { eventId: placed.eventId } : {}),
  };
}

function timelineItem(entry: TimelineEntry): TimelineItem {
  return {
    at: entry.receivedAt,
    event: entry.type,
    channel: entry.channel,
    status: entry.status,
    filledQuantity: entry.filledQuantity,
    latencyMs: entry.latencyMs,
    verdict: entry.verdict,
    eventId: entry.eventId,
  };
}
