import { Injectable } from '@nestjs/common';
import {
  compareOrderState,
  type CanonicalOrder,
  type EventEnvelope,
  type PositionUpdated,
} from '@fillwire/events';
import type { SocketIdentity } from './client-session';
import { EventLogRepository } from './event-log.repository';
import { compareEntryIds } from './push-frames';

export interface ResyncSnapshot {
  orders: CanonicalOrder[];
  positions: PositionUpdated[];
  /** Where the snapshot came from: the retained log folded here (portfolio state when wired). */
  source: 'event-log';
}

/** Bounds the fold so a resync can never read an unbounded log into memory. */
const MAX_FOLD_ENTRIES = 500_000;

/**
 * The orders and positions a client missed when its lastEventId is older than the log keeps: the
 * latest state of each of the user's orders and positions in the retained log, merged with the
 * same monotone rule as everywhere (a late OPEN never hides a FILLED).
 */
@Injectable()
export class ResyncSnapshotService {
  constructor(private readonly log: EventLogRepository) {}

  async snapshot(identity: SocketIdentity, upTo: string): Promise<ResyncSnapshot> {
    const accounts = new Set(identity.accountIds);
    const orders = new Map<string, CanonicalOrder>();
    const positions = new Map<string, PositionUpdated>();
    await this.log.readAfter(
      '0-0',
      (entryId, envelope) => {
        if (envelope.accountId === undefined || !accounts.has(envelope.accountId)) return;
        if (compareEntryIds(entryId, upTo) > 0) return;
        foldInto(orders, positions, envelope);
      },
      MAX_FOLD_ENTRIES,
    );
    return { orders: [...orders.values()], positions: [...positions.values()], source: 'event-log' };
  }
}

function foldInto(
  orders: Map<string, CanonicalOrder>,
  positions: Map<string, PositionUpdated>,
  envelope: EventEnvelope,
): void {
  if (envelope.type === 'position.updated') {
    const p = envelope.data as PositionUpdated;
    positions.set(`${p.accountId}|${p.exchange}|${p.symbol}|${p.product}`, p);
    return;
  }
  const data = envelope.data as { order?: CanonicalOrder | null };
  const order = envelope.type.startsWith('order.') ? data.order : undefined;
  if (!order) return;
  const key = `${order.broker}|${order.brokerOrderId}`;
  const current = orders.get(key);
  if (!current || compareOrderState(current, order) === 'newer') orders.set(key, order);
}
