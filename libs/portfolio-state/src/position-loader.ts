import type { Redis } from 'ioredis';
import { computePositionMath, unrealizedPnl } from './fill-math';
import { LuaScript } from './lua-script';
import { parseStoredOrder, storedOrderFills } from './order-assembly';
import type { Fill, PositionRecord, PositionRef } from './portfolio-state.types';
import { READ_POSITION_SCRIPT } from './state-scripts';
import type { StateKeys } from './state-keys';

const readPosition = new LuaScript(READ_POSITION_SCRIPT);

/**
 * The fills of each order of a position at a fill version (`fv`, bumped by every apply that changes
 * them), kept per position in this process so a refresh re-reads only the orders that changed:
 * without it every update re-read and re-parsed every order of its position, a cost growing with
 * the day's orders. Fills at a given version never change, so a cached entry is never wrong; Redis
 * decides, in the same atomic read, which entries still hold. Bounded: least recently used
 * positions go first.
 */
export class PositionFillsCache {
  private readonly positions = new Map<string, Map<string, { fv: string; fills: Fill[] }>>();

  constructor(private readonly maxPositions = 20_000) {}

  /** The cached (order id, fill version) pairs of a position, refreshed as most recently used. */
  take(key: string): Map<string, { fv: string; fills: Fill[] }> {
    const entries = this.positions.get(key) ?? new Map<string, { fv: string; fills: Fill[] }>();
    this.positions.delete(key);
    this.positions.set(key, entries);
    if (this.positions.size > this.maxPositions) {
      const oldest = this.positions.keys().next().value;
      if (oldest !== undefined) this.positions.delete(oldest);
    }
    return entries;
  }

  get size(): number {
    return this.positions.size;
  }
}

type ReadRow =
  [id: string, fv: string] | [id: string, fv: string, state: string, trades: string[], points: string[]];

/** Every fill feeding a position, read in one atomic step, and the version they are at. */
export async function loadPositionFills(
  redis: Redis,
  keys: StateKeys,
  ref: PositionRef,
  cache?: PositionFillsCache,
): Promise<{ version: number; fills: Fill[] }> {
  const cached = cache?.take(
    `${keys.orderBase(ref.broker, ref.accountId)}|${ref.exchange}|${ref.symbol}|${ref.product}`,
  );
  // What this read asks about, fixed now: a concurrent refresh may update the cache meanwhile.
  const known = new Map(cached ?? []);
  const [version, rows] = (await readPosition.run(
    redis,
    [keys.positionOrders(ref), keys.positionVersion(ref)],
    [keys.orderBase(ref.broker, ref.accountId), ...[...known].flatMap(([id, e]) => [id, e.fv])],
  )) as [number, ReadRow[]];
  const fills: Fill[] = [];
  for (const row of rows) {
    const [id, fv] = row;
    let orderFills: Fill[];
    if (row.length === 2) {
      const entry = known.get(id);
      if (!entry) throw new Error(`position read: order ${id} came back unchanged but was not asked about`);
      orderFills = entry.fills;
    } else {
      const [, , state, trades, points] = row;
      const stored = parseStoredOrder(ref.broker, ref.accountId, id, state, '', trades, points);
      // A state and a trade of one order cannot disagree on the instrument; guard anyway.
      orderFills = storedOrderFills(stored).filter(
        (f) => f.symbol === ref.symbol && f.exchange === ref.exchange && f.product === ref.product,
      );
      const current = cached?.get(id);
      if (cached && (!current || Number(current.fv) <= Number(fv))) cached.set(id, { fv, fills: orderFills });
    }
    fills.push(...orderFills);
  }
  return { version, fills };
}

/** The position, computed from its fill set (see computePositionMath) and the last known price. */
export async function loadPosition(
  redis: Redis,
  keys: StateKeys,
  ref: PositionRef,
  cache?: PositionFillsCache,
): Promise<PositionRecord> {
  const [{ version, fills }, ltp] = await Promise.all([
    loadPositionFills(redis, keys, ref, cache),
    redis.get(keys.lastPrice(ref.exchange, ref.symbol)),
  ]);
  const math = computePositionMath(fills);
  const lastPrice = ltp === null ? null : Number(ltp);
  return {
    broker: ref.broker,
    accountId: ref.accountId,
    exchange: ref.exchange,
    symbol: ref.symbol,
    product: ref.product,
    ...math,
    lastPrice,
    unrealizedPnl: unrealizedPnl(math, lastPrice),
    version,
  };
}
