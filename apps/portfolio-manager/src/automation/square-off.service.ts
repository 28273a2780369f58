import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ExchangeSchema, isTerminalStatus, type CanonicalOrder, type Exchange } from '@fillwire/events';
import type { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { cancelReasonDoc } from '../portfolio/portfolio-notifications';
import type { BrokerCommandsRegistry } from './broker-commands';
import { dueSquareOff, type SquareOffSchedule } from './square-off-schedule';

export interface SquareOffNotifier {
  notify(
    n: { kind: 'square-off' | 'alert'; level: 'info' | 'warning' | 'error'; message: string } & Record<
      string,
      unknown
    >,
    fact: string,
  ): Promise<void>;
}

/** Broker tag of a square-off order: ≤ 20 alphanumerics, the same on every replica and retry. */
export function squareOffTag(parts: string[]): string {
  return `sq${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16)}`;
}

/**
 * MIS auto square-off. On each tick (fake clock in tests), for every account and exchange whose IST
 * cut-off has passed on a trading day, once across replicas (SET NX on the day, account and exchange):
 * cancel the open MIS orders, then close each MIS position with a MARKET order tagged from the same key.
 */
export class SquareOffService {
  private readonly logger = new Logger(SquareOffService.name);

  constructor(
    private readonly read: PortfolioReadRepository,
    private readonly write: PortfolioWriteRepository,
    private readonly brokers: BrokerCommandsRegistry,
    private readonly notifier: SquareOffNotifier,
    private readonly schedule: SquareOffSchedule,
    private readonly now: () => number,
  ) {}

  /** Returns the square-offs this replica ran (`broker|account|exchange|date`). */
  async tick(): Promise<string[]> {
    const ran: string[] = [];
    for (const account of await this.read.listAccounts()) {
      const commands = this.brokers.forAccount(account.broker, account.accountId);
      if (!commands) continue;
      for (const exchange of ExchangeSchema.options) {
        const date = dueSquareOff(this.schedule, account.broker, exchange, this.now());
        if (!date) continue;
        const key = `${account.broker}|${account.accountId}|${exchange}|${date}`;
        if (!(await this.hasMisExposure(account, exchange))) continue;
        if (!(await this.write.once(`square-off|${key}`))) continue;
        await this.squareOff(account, exchange, date, commands);
        ran.push(key);
      }
    }
    return ran;
  }

  private async hasMisExposure(
    account: { broker: 'zerodha' | 'jainam' | 'paper'; accountId: string },
    exchange: Exchange,
  ) {
    const [orders, positions] = await Promise.all([
      this.read.listOrders(account),
      this.read.listPositions(account),
    ]);
    return (
      orders.some(
        (o) =>
          o.order.product === 'MIS' && o.order.exchange === exchange && !isTerminalStatus(o.order.status),
      ) || positions.some((p) => p.product === 'MIS' && p.exchange === exchange && p.netQuantity !== 0)
    );
  }

  /**
   * Orders to cancel: ours and the broker's book, the book's state winning (it is the newer).
   * Kite pushes nothing for a placement, so a resting order placed elsewhere (or just before a
   * restart) is known here only after a reconciliation. The book is one read per account and
   * exchange a day; without it, our own state has to do.
   */
  private async openOrders(
    account: { broker: 'zerodha' | 'jainam' | 'paper'; accountId: string },
    commands: NonNullable<ReturnType<BrokerCommandsRegistry['forAccount']>>,
  ): Promise<CanonicalOrder[]> {
    const orders = new Map(
      (await this.read.listOrders(account)).map((r) => [r.order.brokerOrderId, r.order]),
    );
    try {
      for (const o of await commands.getOrderBook()) orders.set(o.brokerOrderId, o);
    } catch (error) {
      this.logger.warn(
        { accountId: account.accountId, error: (error as Error).message },
        'square-off: broker order book not read; cancelling the open orders we know',
      );
    }
    return [...orders.values()];
  }

  private async squareOff(
    account: { broker: 'zerodha' | 'jainam' | 'paper'; accountId: string },
    exchange: Exchange,
    date: string,
    commands: NonNullable<ReturnType<BrokerCommandsRegistry['forAccount']>>,
  ): Promise<void> {
    for (const order of await this.openOrders(account, commands)) {
      if (order.product !== 'MIS' || order.exchange !== exchange || isTerminalStatus(order.status)) continue;
      await this.write.putDoc(cancelReasonDoc(order), 'square-off');
      await commands.cancelOrder({ accountId: order.accountId, brokerOrderId: order.brokerOrderId });
      this.logger.log({ orderId: order.brokerOrderId }, 'square-off: cancelled open MIS order');
    }
    // Positions after the cancels: a cancel can race a fill, so read them again.
    for (const p of await this.read.listPositions(account)) {
      if (p.product !== 'MIS' || p.exchange !== exchange || p.netQuantity === 0) continue;
      const side = p.netQuantity > 0 ? 'SELL' : 'BUY';
      const quantity = Math.abs(p.netQuantity);
      await commands.placeOrder({
        accountId: p.accountId,
        symbol: p.symbol,
        exchange: p.exchange,
        side,
        quantity,
        orderType: 'MARKET',
        product: 'MIS',
        tag: squareOffTag([p.broker, p.accountId, p.exchange, p.symbol, date]),
      });
      await this.notifier.notify(
        {
          kind: 'square-off',
          level: 'info',
          message: `MIS square-off: ${side} ${quantity} ${p.symbol} at market (${exchange} cut-off)`,
          accountId: p.accountId,
          broker: p.broker,
          symbol: p.symbol,
          exchange: p.exchange,
          side,
          quantity,
        },
        `square-off|${p.broker}|${p.accountId}|${p.exchange}|${p.symbol}|${date}`,
      );
    }
  }
}
