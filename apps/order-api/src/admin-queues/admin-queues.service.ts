import { Injectable, Logger } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BusAdminService, JobQueues } from '@fillwire/event-bus';
import type { RequestHandler } from 'express';

export const ADMIN_QUEUES_PATH = '/admin/queues';
/** Queues appear when any service first creates them; look again at most this often. */
const REFRESH_MS = 10_000;

/** bull-board over every BullMQ queue under FILLWIRE_PREFIX, whichever service owns it. */
@Injectable()
export class AdminQueuesService {
  private readonly logger = new Logger(AdminQueuesService.name);
  private readonly server = new ExpressAdapter().setBasePath(ADMIN_QUEUES_PATH);
  private readonly board = createBullBoard({
    queues: [],
    serverAdapter: this.server,
    options: { uiConfig: { boardTitle: 'Fillwire queues' } },
  });
  private shown: string[] = [];
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly admin: BusAdminService,
    private readonly jobs: JobQueues,
  ) {}

  router(): RequestHandler {
    return this.server.getRouter() as RequestHandler;
  }

  queueNames(): readonly string[] {
    return this.shown;
  }

  /** Re-discovers queues (`<prefix>:<queue>:meta` keys) when the last look is older than REFRESH_MS. */
  async refresh(now = Date.now()): Promise<void> {
    if (now - this.refreshedAt < REFRESH_MS) return;
    this.refreshing ??= this.discover(now).finally(() => (this.refreshing = undefined));
    await this.refreshing;
  }

  private async discover(now: number): Promise<void> {
    try {
      const names = await this.admin.queueNames();
      if (names.join() !== this.shown.join()) {
        this.board.replaceQueues(names.map((name) => new BullMQAdapter(this.jobs.queue(name))));
        this.shown = names;
      }
      this.refreshedAt = now;
    } catch (err) {
      // Keep showing what we had; the next request tries again.
      this.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'queue discovery failed');
    }
  }
}
