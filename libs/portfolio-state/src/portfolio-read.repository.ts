import type { Redis } from 'ioredis';
import { BrokerSchema, type Broker } from '@fillwire/events';
import { compareFills } from './fill-math';
import { LuaScript } from './lua-script';
import { assembleOrderRecord, parseStoredOrder } from './order-assembly';
import { loadPosition } from './position-loader';
import type {
  Fill,
  OrderRecord,
  OrderRef,
  PositionRecord,
  PositionRef,
  TimelineEntry,
} from './portfolio-state.types';
import { READ_ORDER_SCRIPT } from './state-scripts';
import { parsePositionMember, stateKeys, type StateKeys } from './state-keys';

const readOrder = new LuaScript(READ_ORDER_SCRIPT);

export interface AccountRef {
  broker: Broker;
  accountId: string;
}

/**
 * Read API of the portfolio state, for order-api (GET /v1/orders, /v1/orders/:id, /v1/trades,
 * /v1/positions) and portfolio-manager itself. Direct Redis reads, no HTTP hop; every answer is
 * computed from the same atomically written sets portfolio-manager merges into.
 */
export class PortfolioReadRepository {
  readonly keys: StateKeys;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string },
  ) {
    this.keys = stateKeys(options.prefix);
  }

  /** Accounts that have any order or trade. */
  async listAccounts(): Promise<AccountRef[]> {
    const members = await this.redis.smembers(this.keys.accounts);
    return members
      .map((m) => {
        const [broker, accountId] = m.split('|');
        const parsed = BrokerSchema.safeParse(broker);
        return parsed.success && accountId ? { broker: parsed.data, accountId } : null;
      })
      .filter((a): a is AccountRef => a !== null)
      .sort((a, b) => (a.broker + a.accountId < b.broker + b.accountId ? -1 : 1));
  }

  /** One order with its fills, or null when no broker state of it has been seen. */
  async getOrder(ref: OrderRef): Promise<OrderRecord | null> {
    const [state, meta, trades, points] = (await readOrder.run(
      this.redis,
      [this.keys.orderHash(ref), this.keys.trades(ref), this.keys.points(ref)],
      [],
    )) as [string, string, string[], string[]];
    return assembleOrderRecord(
      parseStoredOrder(ref.broker, ref.accountId, ref.brokerOrderId, state, meta, trades, points),
    );
  }

  /** Finds an order by broker order id among the given accounts (order-api knows a user's accounts). */
  async findOrder(accounts: AccountRef[], brokerOrderId: string): Promise<OrderRecord | null> {
    for (const a of accounts) {
      const found = await this.getOrder({ ...a, brokerOrderId });
      if (found) return found;
    }
    return null;
  }

  /** Orders of an account, newest broker time first. */
  async listOrders(account: AccountRef): Promise<OrderRecord[]> {
    const ids = await this.redis.smembers(this.keys.accountOrders(account.broker, account.accountId));
    const records = await Promise.all(
      ids.map((brokerOrderId) => this.getOrder({ ...account, brokerOrderId })),
    );
    return records
      .filter((r): r is OrderRecord => r !== null)
      .sort(
        (a, b) =>
          (b.order.brokerTimestamp ?? 0) - (a.order.brokerTimestamp ?? 0) ||
          (a.order.brokerOrderId < b.order.brokerOrderId ? -1 : 1),
      );
  }

  /**
   * Fills of an account in time order: executions where the broker sends them (XTS) and the
   * growth of cumulative filled quantity where it does not (Kite); see Fill.source.
   */
  async listTrades(account: AccountRef): Promise<Fill[]> {
    const ids = await this.redis.smembers(this.keys.accountOrders(account.broker, account.accountId));
    const all: Fill[] = [];
    for (const brokerOrderId of ids) {
      const [state, , trades, points] = (await readOrder.run(
        this.redis,
        [
          this.keys.orderHash({ ...account, brokerOrderId }),
          this.keys.trades({ ...account, brokerOrderId }),
          this.keys.points({ ...account, brokerOrderId }),
        ],
        [],
      )) as [string, string, string[], string[]];
      const stored = parseStoredOrder(
        account.broker,
        account.accountId,
        brokerOrderId,
        state,
        '',
        trades,
        points,
      );
      const record = assembleOrderRecord(stored);
      if (record) all.push(...record.fills);
    }
    return all.sort(compareFills);
  }

  /** Positions of an account (flat ones included: they carry the day's realized P&L). */
  async listPositions(account: AccountRef): Promise<PositionRecord[]> {
    const members = await this.redis.smembers(this.keys.accountPositions(account.broker, account.accountId));
    const positions = await Promise.all(
      members.map((m) =>
        loadPosition(this.redis, this.keys, parsePositionMember(account.broker, account.accountId, m)),
      ),
    );
    return positions.sort((a, b) =>
      `${a.exchange}|${a.symbol}|${a.product}` < `${b.exchange}|${b.symbol}|${b.product}` ? -1 : 1,
    );
  }

  /**
   * Instruments with an open (non-flat) position in any account, once each, for the price feed.
   * Read from the positions' totals in one round trip, so it is cheap to poll; a position whose
   * totals predate this version is built first.
   */
  async openInstruments(): Promise<Array<Pick<PositionRef, 'exchange' | 'symbol'>>> {
    const accounts = await this.listAccounts();
    const indexes = await this.pipelined(
      accounts.map((a) => ['smembers', this.keys.accountPositions(a.broker, a.accountId)]),
    );
    const refs = accounts.flatMap((a, i) =>
      ((indexes[i] as string[] | null) ?? []).map((m) => parsePositionMember(a.broker, a.accountId, m)),
    );
    const totals = await this.pipelined(
      refs.map((r) => ['hmget', this.keys.positionTotals(r), 'bq', 'sq', 'v']),
    );
    const open = new Map<string, Pick<PositionRef, 'exchange' | 'symbol'>>();
    for (const [i, ref] of refs.entries()) {
      const [bq, sq, v] = totals[i] as Array<string | null>;
      const net =
        v === null ? (await loadPosition(this.redis, this.keys, ref)).netQuantity : Number(bq) - Number(sq);
      if (net !== 0)
        open.set(`${ref.exchange}|${ref.symbol}`, { exchange: ref.exchange, symbol: ref.symbol });
    }
    return [...open.values()];
  }

  /** The last deliveries to an order, oldest first: verdict, channel, latency, publish→apply. */
  async getTimeline(ref: OrderRef, limit = 200): Promise<TimelineEntry[]> {
    const raw = await this.redis.lrange(this.keys.timeline(ref), -limit, -1);
    return raw.map((r) => JSON.parse(r) as TimelineEntry);
  }

  /** Runs commands in one round trip; a failed one throws. */
  private async pipelined(commands: Array<[string, ...string[]]>): Promise<unknown[]> {
    if (commands.length === 0) return [];
    const results = (await this.redis.pipeline(commands).exec()) ?? [];
    return results.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
  }
}
