import type { Redis } from 'ioredis';
import { computePositionMath, unrealizedPnl } from './fill-math';
import { LuaScript } from './lua-script';
import { parseStoredOrder, storedOrderFills } from './order-assembly';
import type { Fill, PositionRecord, PositionRef } from './portfolio-state.types';
import { READ_POSITION_SCRIPT } from './state-scripts';
import type { StateKeys } from './state-keys';

const readPosition = new LuaScript(READ_POSITION_SCRIPT);

/** Every fill feeding a position, read in one atomic step, and the version they are at. */
export async function loadPositionFills(
  redis: Redis,
  keys: StateKeys,
  ref: PositionRef,
): Promise<{ version: number; fills: Fill[] }> {
  const [version, orders] = (await readPosition.run(
    redis,
    [keys.positionOrders(ref), keys.positionVersion(ref)],
    [keys.orderBase(ref.broker, ref.accountId)],
  )) as [number, Array<[string, string, string[], string[]]>];
  const fills: Fill[] = [];
  for (const [id, state, trades, points] of orders) {
    const stored = parseStoredOrder(ref.broker, ref.accountId, id, state, '', trades, points);
    for (const f of storedOrderFills(stored)) {
      // A state and a trade of one order cannot disagree on the instrument; guard anyway.
      if (f.symbol === ref.symbol && f.exchange === ref.exchange && f.product === ref.product) fills.push(f);
    }
  }
  return { version, fills };
}

/** The position, computed from its fill set (see computePositionMath) and the last known price. */
export async function loadPosition(redis: Redis, keys: StateKeys, ref: PositionRef): Promise<PositionRecord> {
  const [{ version, fills }, ltp] = await Promise.all([
    loadPositionFills(redis, keys, ref),
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
