import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectAppConfig } from '@fillwire/observability';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';
import { KiteConnectionsService } from '../connections/kite-connections.service';

/** Reads of one order after its placement: the first, then retries while it is still pending. */
export const PLACEMENT_CHECK_ATTEMPTS = 3;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Kite sends no postback and no ticker update for the placement itself (brokers.md), so a resting
 * LIMIT order would stay PENDING on every screen until something else happens to it. After
 * `order.placed` for an account this gateway follows, the order's history is read once, after
 * ZERODHA_PLACEMENT_CHECK_AFTER (again at twice and four times that while the broker still has it
 * pending), and the transitions the bus missed are emitted as `order.updated` (channel
 * `reconciliation`, deterministic ids, so a postback of the same state collapses with it). Reads go
 * through the account's history pacer, inside Kite's rate limits.
 */
@Injectable()
export class PlacementCheckService implements OnModuleDestroy {
  private readonly logger = new Logger(PlacementCheckService.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    @InjectAppConfig() private readonly config: Pick<ZerodhaPostbackConfig, 'ZERODHA_PLACEMENT_CHECK_AFTER'>,
    @Inject(KiteConnectionsService)
    private readonly connections: Pick<KiteConnectionsService, 'catchUpOrder'>,
  ) {}

  /** An order was placed on `accountId`: check it soon (a redelivery while the check waits is ignored). */
  schedule(accountId: string, brokerOrderId: string, eventId: string): void {
    const key = `${accountId}|${brokerOrderId}`;
    if (this.stopping || this.timers.has(key)) return;
    this.arm(key, { accountId, brokerOrderId, eventId }, 1);
  }

  /** Checks waiting or in flight (tests, shutdown). */
  get pending(): number {
    return this.timers.size + this.running.size;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private arm(key: string, order: PlacedRef, attempt: number): void {
    const delay = this.config.ZERODHA_PLACEMENT_CHECK_AFTER * 2 ** (attempt - 1);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const run = this.check(key, order, attempt).finally(() => this.running.delete(run));
      this.running.add(run);
    }, delay);
    timer.unref();
    this.timers.set(key, timer);
  }

  private async check(key: string, order: PlacedRef, attempt: number): Promise<void> {
    const { accountId, brokerOrderId: orderId, eventId } = order;
    try {
      const result = await this.connections.catchUpOrder(accountId, orderId);
      if (!result) return;
      const status = result.current?.status ?? null;
      if (result.emitted > 0) {
        this.logger.log(
          { orderId, eventId, accountId, status, emitted: result.emitted },
          'placement caught up',
        );
      }
      // Not at the broker yet, or still being validated: look again a little later.
      if ((status === null || status === 'PENDING') && attempt < PLACEMENT_CHECK_ATTEMPTS && !this.stopping) {
        this.arm(key, order, attempt + 1);
      }
    } catch (err) {
      // Best effort: the next reconciliation or any later update of the order brings it in.
      this.logger.warn({ orderId, eventId, accountId, error: errorText(err) }, 'placement check failed');
    }
  }
}

interface PlacedRef {
  accountId: string;
  brokerOrderId: string;
  eventId: string;
}
