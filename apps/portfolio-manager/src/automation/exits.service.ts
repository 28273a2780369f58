import { Logger } from '@nestjs/common';
import {
  createEnvelope,
  type CanonicalOrder,
  type EventEnvelope,
  type OrderNotification,
  type Protection,
} from '@fillwire/events';
import type {
  OrderMeta,
  OrderRef,
  PortfolioReadRepository,
  PortfolioWriteRepository,
} from '@fillwire/portfolio-state';
import type { BrokerCommands, BrokerCommandsRegistry } from './broker-commands';
import { cancelReasonDoc } from '../portfolio/portfolio-notifications';
import { EMPTY_OCO, nextTrailingStop, planExits, type ExitAction, type OcoState } from './exit-plan';

export interface ExitsSink {
  publish(envelope: EventEnvelope): Promise<unknown>;
  notify(notification: OrderNotification, fact: string): Promise<void>;
}

const ocoDoc = (r: OrderRef) => `oco|${r.broker}|${r.accountId}|${r.brokerOrderId}`;
const exitOfDoc = (r: OrderRef) => `exit-of|${r.broker}|${r.accountId}|${r.brokerOrderId}`;
/** Entries with a trailing stop per instrument, for the tick path. */
const trailingDoc = (exchange: string, symbol: string) => `trailing|${exchange}|${symbol}`;
/** Every instrument that has had a trailing doc (`exchange|symbol`), so the price feed can find them. */
const TRAILING_INDEX_DOC = 'trailing-instruments';

const hasProtection = (p: Protection | undefined): p is Protection =>
  p !== undefined && (p.stopLoss !== undefined || p.target !== undefined || p.trailing !== undefined);

/**
 * Stop-loss, target and trailing stop of entry orders (protection from order.placed), as an OCO
 * pair at the broker. Every decision is planExits over the merged states, taken under a per-entry
 * lock shared by all replicas; each leg's tag is derived from the entry and recorded before the
 * broker call, so a retry or another replica finds the order it placed instead of placing twice.
 */
export class ExitsService {
  private readonly logger = new Logger(ExitsService.name);

  constructor(
    private readonly read: PortfolioReadRepository,
    private readonly write: PortfolioWriteRepository,
    private readonly brokers: BrokerCommandsRegistry,
    private readonly sink: ExitsSink,
    private readonly now: () => number,
    private readonly trailingIntervalMs = 1_000,
  ) {}

  /** After any change to an order: re-plans its exits (an entry) or its entry's (an exit leg). */
  async onOrder(ref: OrderRef, meta: OrderMeta | null): Promise<void> {
    if (hasProtection(meta?.protection)) return this.evaluate(ref);
    const parent = (await this.write.getDoc<string>(exitOfDoc(ref))) ?? meta?.parentBrokerOrderId ?? null;
    if (parent) await this.evaluate({ ...ref, brokerOrderId: parent });
  }

  /** Plans and runs the exits of one entry until nothing is left to do (bounded). */
  async evaluate(entryRef: OrderRef): Promise<void> {
    await this.write.withLock(ocoDoc(entryRef), async () => {
      for (let round = 0; round < 3; round += 1) {
        const record = await this.read.getOrder(entryRef);
        const protection = record?.meta?.protection;
        if (!record || !hasProtection(protection)) return;
        const state = (await this.write.getDoc<OcoState>(ocoDoc(entryRef))) ?? EMPTY_OCO;
        const actions = planExits({
          entry: record.order,
          protection,
          state,
          stop: await this.legOrder(entryRef, state.stop?.brokerOrderId),
          target: await this.legOrder(entryRef, state.target?.brokerOrderId),
        });
        if (actions.length === 0) return;
        const commands = this.brokers.forAccount(entryRef.broker, entryRef.accountId);
        if (!commands) {
          this.logger.warn(
            { orderId: entryRef.brokerOrderId },
            'exits due but no broker access to the account',
          );
          return;
        }
        for (const action of actions) await this.run(action, record.order, record.meta, state, commands);
        if (state.stop && protection.trailing !== undefined && !state.closed) {
          const set = new Set(
            await this.write.getDoc<string[]>(trailingDoc(record.order.exchange, record.order.symbol)),
          );
          set.add(JSON.stringify(entryRef));
          await this.write.putDoc(trailingDoc(record.order.exchange, record.order.symbol), [...set]);
          await this.indexTrailing(`${record.order.exchange}|${record.order.symbol}`);
        }
      }
    });
  }

  /** A new last price: moves the trailing stops of that instrument (≤ 1 modify per interval, ≥ a tick). */
  async onPrice(exchange: string, symbol: string, lastPrice: number): Promise<number> {
    const entries = (await this.write.getDoc<string[]>(trailingDoc(exchange, symbol))) ?? [];
    let moved = 0;
    for (const json of entries) {
      const entryRef = JSON.parse(json) as OrderRef;
      await this.write.withLock(ocoDoc(entryRef), async () => {
        const record = await this.read.getOrder(entryRef);
        const state = await this.write.getDoc<OcoState>(ocoDoc(entryRef));
        const trailing = record?.meta?.protection?.trailing;
        if (!record || !state?.stop?.brokerOrderId || state.closed || trailing === undefined) return;
        const best = state.trail?.best ?? record.order.averagePrice;
        const next = nextTrailingStop({
          side: record.order.side,
          trailing,
          best,
          lastPrice,
          trigger: state.stop.price,
        });
        const due = this.now() - (state.trail?.modifiedAt ?? 0) >= this.trailingIntervalMs;
        state.trail = { best: next.best, modifiedAt: state.trail?.modifiedAt ?? 0 };
        if (next.trigger !== null && due) {
          const commands = this.brokers.forAccount(entryRef.broker, entryRef.accountId);
          if (commands) {
            await commands.modifyOrder({
              accountId: entryRef.accountId,
              brokerOrderId: state.stop.brokerOrderId,
              triggerPrice: next.trigger,
            });
            this.logger.log(
              {
                orderId: state.stop.brokerOrderId,
                entry: entryRef.brokerOrderId,
                from: state.stop.price,
                to: next.trigger,
              },
              'trailing stop moved',
            );
            state.stop = { ...state.stop, price: next.trigger };
            state.trail.modifiedAt = this.now();
            moved += 1;
          }
        }
        await this.write.putDoc(ocoDoc(entryRef), state);
      });
    }
    return moved;
  }

  /** Instruments with a live trailing stop (stop placed, OCO open): the price feed subscribes them. */
  async trailingInstruments(): Promise<Array<{ exchange: string; symbol: string }>> {
    const out: Array<{ exchange: string; symbol: string }> = [];
    for (const member of (await this.write.getDoc<string[]>(TRAILING_INDEX_DOC)) ?? []) {
      const [exchange, symbol] = member.split('|');
      for (const json of (await this.write.getDoc<string[]>(trailingDoc(exchange, symbol))) ?? []) {
        const state = await this.write.getDoc<OcoState>(ocoDoc(JSON.parse(json) as OrderRef));
        if (state?.stop?.brokerOrderId && !state.closed) {
          out.push({ exchange, symbol });
          break;
        }
      }
    }
    return out;
  }

  /** Adds an instrument to the index once; the lock keeps two replicas' additions from overwriting each other. */
  private async indexTrailing(member: string): Promise<void> {
    if ((await this.write.getDoc<string[]>(TRAILING_INDEX_DOC))?.includes(member)) return;
    await this.write.withLock(TRAILING_INDEX_DOC, async () => {
      const index = new Set(await this.write.getDoc<string[]>(TRAILING_INDEX_DOC));
      index.add(member);
      await this.write.putDoc(TRAILING_INDEX_DOC, [...index]);
    });
  }

  private async legOrder(entry: OrderRef, id: string | null | undefined): Promise<CanonicalOrder | null> {
    if (!id) return null;
    return (await this.read.getOrder({ ...entry, brokerOrderId: id }))?.order ?? null;
  }

  private async run(
    action: ExitAction,
    entry: CanonicalOrder,
    meta: OrderMeta | null,
    state: OcoState,
    commands: BrokerCommands,
  ): Promise<void> {
    const entryRef: OrderRef = {
      broker: entry.broker,
      accountId: entry.accountId,
      brokerOrderId: entry.brokerOrderId,
    };
    switch (action.kind) {
      case 'place':
        return this.place(action, entry, entryRef, meta, state, commands);
      case 'modify': {
        await commands.modifyOrder({
          accountId: entry.accountId,
          brokerOrderId: action.brokerOrderId,
          quantity: action.quantity,
        });
        const leg = state[action.leg];
        if (leg && action.quantity !== undefined) leg.quantity = action.quantity;
        await this.write.putDoc(ocoDoc(entryRef), state);
        this.logger.log(
          { orderId: action.brokerOrderId, entry: entry.brokerOrderId, quantity: action.quantity },
          `${action.leg} resized to the entry's fills`,
        );
        return;
      }
      case 'cancel': {
        const ref = { ...entryRef, brokerOrderId: action.brokerOrderId };
        await this.write.putDoc(cancelReasonDoc(ref), 'automation');
        try {
          await commands.cancelOrder({ accountId: entry.accountId, brokerOrderId: action.brokerOrderId });
        } catch (error) {
          // The leg may have ended meanwhile (filled or cancelled at the broker): its update will say.
          this.logger.warn(
            { orderId: action.brokerOrderId, error: (error as Error).message },
            'OCO cancel refused',
          );
        }
        return;
      }
      case 'notify': {
        const o = action.order;
        const stop = action.leg === 'stop';
        await this.sink.notify(
          {
            kind: stop ? 'stop-triggered' : 'target-hit',
            level: stop ? 'warning' : 'info',
            message: `${stop ? 'Stop-loss' : 'Target'} hit: ${o.side} ${o.filledQuantity} ${o.symbol} at ${o.averagePrice.toFixed(2)} (entry ${entry.brokerOrderId})`,
            accountId: o.accountId,
            broker: o.broker,
            brokerOrderId: o.brokerOrderId,
            symbol: o.symbol,
            exchange: o.exchange,
            side: o.side,
            quantity: o.filledQuantity,
            price: o.averagePrice,
          },
          `exit|${o.broker}|${o.accountId}|${o.brokerOrderId}`,
        );
        return;
      }
      case 'close':
        state.closed = true;
        await this.write.putDoc(ocoDoc(entryRef), state);
        return;
    }
  }

  private async place(
    action: Extract<ExitAction, { kind: 'place' }>,
    entry: CanonicalOrder,
    entryRef: OrderRef,
    meta: OrderMeta | null,
    state: OcoState,
    commands: BrokerCommands,
  ): Promise<void> {
    // A leg recorded without an id: an earlier attempt may have reached the broker; find it by tag.
    let brokerOrderId = state[action.leg] ? await this.findByTag(entry, action.tag, commands) : null;
    state[action.leg] = { tag: action.tag, brokerOrderId, price: action.price, quantity: action.quantity };
    await this.write.putDoc(ocoDoc(entryRef), state);
    const stop = action.leg === 'stop';
    const order: Omit<CanonicalOrder, 'brokerOrderId'> = {
      broker: entry.broker,
      accountId: entry.accountId,
      exchangeOrderId: null,
      clientTag: action.tag,
      symbol: entry.symbol,
      exchange: entry.exchange,
      side: entry.side === 'BUY' ? 'SELL' : 'BUY',
      product: entry.product,
      orderType: stop ? 'SL-M' : 'LIMIT',
      quantity: action.quantity,
      price: stop ? 0 : action.price,
      triggerPrice: stop ? action.price : 0,
      filledQuantity: 0,
      pendingQuantity: action.quantity,
      averagePrice: 0,
      status: 'PENDING',
      statusMessage: null,
      brokerStatus: entry.broker === 'jainam' ? 'PendingNew' : 'PUT ORDER REQ RECEIVED',
      brokerTimestamp: null,
      exchangeTimestamp: null,
    };
    if (!brokerOrderId) {
      const ack = await commands.placeOrder({
        accountId: entry.accountId,
        symbol: order.symbol,
        exchange: order.exchange,
        side: order.side,
        quantity: order.quantity,
        orderType: order.orderType,
        product: order.product,
        ...(stop ? { triggerPrice: action.price } : { price: action.price }),
        tag: action.tag,
      });
      brokerOrderId = ack.brokerOrderId;
      this.logger.log(
        { orderId: brokerOrderId, entry: entry.brokerOrderId, quantity: order.quantity, price: action.price },
        `${action.leg} exit placed`,
      );
    }
    state[action.leg] = { tag: action.tag, brokerOrderId, price: action.price, quantity: action.quantity };
    await this.write.putDoc(ocoDoc(entryRef), state);
    await this.write.putDoc(exitOfDoc({ ...entryRef, brokerOrderId }), entry.brokerOrderId);
    await this.sink.publish(
      createEnvelope(
        'order.placed',
        {
          order: { ...order, brokerOrderId },
          userId: meta?.userId ?? null,
          idempotencyKey: action.tag,
          parentBrokerOrderId: entry.brokerOrderId,
        },
        { source: 'portfolio-manager', channel: 'internal', id: `pm-exit-${action.tag}` },
      ),
    );
  }

  private async findByTag(
    entry: CanonicalOrder,
    tag: string,
    commands: BrokerCommands,
  ): Promise<string | null> {
    const local = await this.read.listOrders({ broker: entry.broker, accountId: entry.accountId });
    const known = local.find((r) => r.order.clientTag === tag);
    if (known) return known.order.brokerOrderId;
    const book = await commands.getOrderBook();
    return book.find((o) => o.clientTag === tag)?.brokerOrderId ?? null;
  }

  /** For tests and the tick path: the automation state of an entry. */
  async state(entry: OrderRef): Promise<OcoState | null> {
    return this.write.getDoc<OcoState>(ocoDoc(entry));
  }
}
