import type { PositionTrail } from './e2e-clients';

/*
 * Matching what the simulator sent with what the screens showed, for the e2e suite. Pure
 * functions over arrays (tens of thousands of updates per step), unit-tested on their own.
 */

/** The simulator's record of a load (POST /_sim/load `updates`): per update, in send order. */
export interface SentUpdates {
  orderId: readonly string[];
  /** Epoch ms with sub-ms fraction. */
  at: readonly number[];
  /** Bought per fill. */
  quantity: readonly number[];
}

/** Per update, the value `received` holds for its broker order id (NaN: none), e.g. when its order_update arrived. */
export function orderReceipts(sent: SentUpdates, received: ReadonlyMap<string, number>): Float64Array {
  const out = new Float64Array(sent.orderId.length);
  for (let i = 0; i < out.length; i++) out[i] = received.get(sent.orderId[i]) ?? Number.NaN;
  return out;
}

/** b[i] − a[i] where both are known: one hop of the path (e.g. log entry → screen). */
export function hop(a: Float64Array | readonly number[], b: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) if (!Number.isNaN(a[i]) && !Number.isNaN(b[i])) out.push(b[i] - a[i]);
  return out;
}

export interface PositionReceipts {
  /** When the screen first showed a position that includes update i (NaN: never). */
  at: Float64Array;
  /** When the event of that frame went on the log (NaN: never). */
  log: Float64Array;
  /** Positions whose screen showed more bought than was filled (a fill counted twice). */
  overcounted: string[];
}

/**
 * Update i fills `quantity[i]` more into position `position[i]` (an index into `keys`, e.g.
 * `<account>|<symbol>`), so it is on the screen once a frame of that position shows a day buy
 * quantity of at least what was bought before it plus its own — whichever frame first does, even
 * one that also carries later fills. `before`: what each position had bought before this load.
 */
export function positionReceipts(
  sent: SentUpdates,
  position: readonly number[],
  keys: readonly string[],
  before: readonly number[],
  trails: Readonly<Record<string, PositionTrail>>,
): PositionReceipts {
  const out = new Float64Array(sent.orderId.length).fill(Number.NaN);
  const log = new Float64Array(sent.orderId.length).fill(Number.NaN);
  const overcounted: string[] = [];
  const byPosition: number[][] = keys.map(() => []);
  for (let i = 0; i < position.length; i++) byPosition[position[i]].push(i);
  keys.forEach((key, p) => {
    const trail = trails[key] ?? { qty: [], at: [], log: [] };
    let filled = before[p];
    // Frames may show an older figure after a newer one; what the screen has shown is the highest so far.
    let highest = -Infinity;
    let frame = 0;
    for (const i of byPosition[p]) {
      filled += sent.quantity[i];
      while (frame < trail.qty.length && highest < filled) highest = Math.max(highest, trail.qty[frame++]);
      if (highest >= filled) {
        out[i] = trail.at[frame - 1];
        log[i] = trail.log[frame - 1];
      }
    }
    while (frame < trail.qty.length) highest = Math.max(highest, trail.qty[frame++]);
    if (highest > filled) overcounted.push(key);
  });
  return { at: out, log, overcounted };
}

/** receipt − sent for the updates in [from, to) that arrived; `missing` counts those that did not. */
export function latencies(
  sentAt: readonly number[],
  receivedAt: Float64Array,
  from = 0,
  to = sentAt.length,
): { values: number[]; missing: number } {
  const values: number[] = [];
  let missing = 0;
  for (let i = from; i < to; i++) {
    if (Number.isNaN(receivedAt[i])) missing++;
    else values.push(receivedAt[i] - sentAt[i]);
  }
  return { values, missing };
}

/** Per update, when both its frames were on the screen (the later of the two; NaN if either is missing). */
export function screenReceipts(orderAt: Float64Array, positionAt: Float64Array): Float64Array {
  const out = new Float64Array(orderAt.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(orderAt[i], positionAt[i]);
  return out;
}

/** The latest receipt among updates [from, to), NaN if any is missing. */
export function lastReceipt(receivedAt: Float64Array, from: number, to: number): number {
  let last = -Infinity;
  for (let i = from; i < to; i++) {
    if (Number.isNaN(receivedAt[i])) return Number.NaN;
    last = Math.max(last, receivedAt[i]);
  }
  return last;
}
