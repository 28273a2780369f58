import { Inject, Injectable } from '@nestjs/common';
import type { CanonicalOrder } from '@fillwire/events';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import { PortfolioReadRepository, type PositionRecord } from '@fillwire/portfolio-state';
import type Redis from 'ioredis';
import type { NotifierConfig } from '../config/notifier-config.schema';
import type { SocketIdentity } from './client-session';

export interface ResyncSnapshot {
  orders: CanonicalOrder[];
  positions: PositionRecord[];
  /** The snapshot is portfolio-manager's merged state (libs/portfolio-state), not a log replay. */
  source: 'portfolio-state';
}

/**
 * The orders and positions a client missed when its lastEventId is older than the log keeps:
 * read from the portfolio state portfolio-manager keeps (the same merge order-api answers
 * GET /v1/orders and /v1/positions from), for the user's accounts only. The caller takes the log
 * position before reading, so anything newer still arrives as frames; a frame whose effect the
 * snapshot already holds is harmless (the merge is monotone on the client too).
 */
@Injectable()
export class ResyncSnapshotService {
  private readonly portfolio: PortfolioReadRepository;

  constructor(@Inject(APP_CONFIG) config: NotifierConfig, @Inject(REDIS_CLIENT) redis: Redis) {
    this.portfolio = new PortfolioReadRepository(redis, { prefix: config.FILLWIRE_PREFIX });
  }

  async snapshot(identity: SocketIdentity): Promise<ResyncSnapshot> {
    const perAccount = await Promise.all(
      identity.accounts.map(async (account) => ({
        orders: await this.portfolio.listOrders(account),
        positions: await this.portfolio.listPositions(account),
      })),
    );
    return {
      orders: perAccount.flatMap((a) => a.orders.map((r) => r.order)),
      positions: perAccount.flatMap((a) => a.positions),
      source: 'portfolio-state',
    };
  }
}
