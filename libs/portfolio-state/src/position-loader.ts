import type { Redis } from 'ioredis';
import { authoritativeFillSource, positionMath, unrealizedPnl } from './fill-math';
import { LuaScript } from './lua-script';
import type { PositionRecord, PositionRef } from './portfolio-state.types';
import { READ_POSITION_SCRIPT } from './state-scripts';
import type { StateKeys } from './state-keys';

const readPosition = new LuaScript(READ_POSITION_SCRIPT);

/** Values are stored in 1/10000 rupee (integers, so sums stay exact). */
const UNITS_PER_RUPEE = 10_000;

/**
 * What the apply and read scripts return about a position (see state-scripts.ts): changed 0/1,
 * bought qty, bought value, sold qty, sold value (1/10000 rupee), version, last price or ''.
 */
export type PositionTotalsReply = [
  changed: number | string,
  buyQty: string,
  buyValue: string,
  sellQty: string,
  sellValue: string,
  version: string,
  lastPrice: string,
];

/** The position a totals reply describes, with unrealized P&L at its last price. */
export function positionFromTotals(ref: PositionRef, reply: PositionTotalsReply): PositionRecord {
  const [, buyQty, buyValue, sellQty, sellValue, version, ltp] = reply;
  const math = positionMath({
    buyQty: Number(buyQty),
    buyValue: Number(buyValue) / UNITS_PER_RUPEE,
    sellQty: Number(sellQty),
    sellValue: Number(sellValue) / UNITS_PER_RUPEE,
  });
  const lastPrice = ltp === '' ? null : Number(ltp);
  return {
    broker: ref.broker,
    accountId: ref.accountId,
    exchange: ref.exchange,
    symbol: ref.symbol,
    product: ref.product,
    ...math,
    lastPrice,
    unrealizedPnl: unrealizedPnl(math, lastPrice),
    version: Number(version),
  };
}

/** One position from its stored totals (built from its orders first where they predate them). */
export async function loadPosition(redis: Redis, keys: StateKeys, ref: PositionRef): Promise<PositionRecord> {
  const reply = (await readPosition.run(
    redis,
    [keys.positionTotals(ref), keys.positionOrders(ref), keys.lastPrice(ref.exchange, ref.symbol)],
    [keys.orderBase(ref.broker, ref.accountId), authoritativeFillSource(ref.broker)],
  )) as PositionTotalsReply;
  return positionFromTotals(ref, reply);
}
