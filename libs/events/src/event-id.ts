import { createHash, randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Broker } from './envelope.schema';
import type { CanonicalOrder } from './order.schema';
import { isKnownBrokerStatus } from './status-mapping';

/**
 * ulid's default PRNG asks the OS for one byte per character (16 syscalls per id); this one takes
 * bytes from a pool refilled 4 KiB at a time. Same source (the OS CSPRNG), a fraction of the cost.
 */
function pooledPrng(): () => number {
  const pool = Buffer.alloc(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++] / 256;
  };
}

const monotonicUlid = monotonicFactory(pooledPrng());

/** A ULID, strictly increasing within this process (ids of events that are not broker updates). */
export function newEventId(): string {
  return monotonicUlid();
}

/** The fields of an order that define "one broker state" for ids and merging. */
export type OrderStateFields = Pick<
  CanonicalOrder,
  | 'broker'
  | 'accountId'
  | 'brokerOrderId'
  | 'status'
  | 'brokerStatus'
  | 'filledQuantity'
  | 'quantity'
  | 'orderType'
  | 'price'
  | 'triggerPrice'
  | 'brokerTimestamp'
> &
  Partial<Pick<CanonicalOrder, 'inFlight'>>;

/** Broker time floored to the second: Kite only has seconds, XTS channels differ below that. */
export function brokerSecond(brokerTimestamp: number | null): number | null {
  return brokerTimestamp === null ? null : Math.floor(brokerTimestamp / 1000);
}

/**
 * The canonical text of one broker state of an order (recipe in docs/events.md). It holds only
 * fields every channel reports identically for the same update, so postback, ticker and polling
 * copies agree; checksum, app_id, receipt time, channel and raw status spelling (`UPDATE` vs
 * `OPEN`) stay out. An unknown status adds the raw label so two unknown states do not collide.
 */
export function orderStateFingerprint(order: OrderStateFields): string {
  const status = isKnownBrokerStatus(order.broker, order.brokerStatus)
    ? order.status
    : `${order.status}?${order.brokerStatus.trim()}`;
  return JSON.stringify([
    order.broker,
    order.accountId,
    order.brokerOrderId,
    status,
    order.inFlight ?? null,
    order.filledQuantity,
    order.quantity,
    order.orderType,
    order.price,
    order.triggerPrice,
    brokerSecond(order.brokerTimestamp),
  ]);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * `<broker>-<kind>-<32 hex>`. No `:` because event ids double as BullMQ job ids for deliveries
 * (house style: job ids never contain `:`).
 */
function brokerId(broker: Broker, kind: string, text: string): string {
  return `${broker}-${kind}-${digest(text)}`;
}

/** Id of an `order.updated` event: one per broker state, whatever channel delivered it. */
export function orderUpdateEventId(order: OrderStateFields): string {
  return brokerId(order.broker, 'o', orderStateFingerprint(order));
}

/** Id of an `order.reconciled` event: replicas reconciling the same difference publish once. */
export function orderReconciledEventId(order: OrderStateFields): string {
  return brokerId(order.broker, 'r', orderStateFingerprint(order));
}

/** Id of `order.filled` / `order.cancelled`: at most one per order. */
export function orderTerminalEventId(
  kind: 'filled' | 'cancelled',
  order: Pick<CanonicalOrder, 'broker' | 'accountId' | 'brokerOrderId'>,
): string {
  return brokerId(
    order.broker,
    kind === 'filled' ? 'f' : 'c',
    JSON.stringify([order.broker, order.accountId, order.brokerOrderId]),
  );
}

export interface TradeIdentity {
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
  /** Kite `trade_id`, XTS `ExecutionID`. */
  tradeId: string;
}

/** Id of a `trade.executed` event: one per execution, whatever channel delivered it. */
export function tradeEventId(trade: TradeIdentity): string {
  return brokerId(
    trade.broker,
    't',
    JSON.stringify([trade.broker, trade.accountId, trade.brokerOrderId, trade.tradeId.trim()]),
  );
}
