import { Injectable, Logger } from '@nestjs/common';
import { normalizeKiteOrder, verifyKitePostbackChecksum } from '@fillwire/broker-adapters';
import { AccountRegistry } from '../accounts/account-registry.service';
import { IngestMetrics } from '../ingest/ingest-metrics.service';
import { OrderIngestService } from '../ingest/order-ingest.service';
import { PostbackHeadSchema, type PostbackReply } from './postback.schema';

const describe = (issues: { path: PropertyKey[]; message: string }[]): string =>
  issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');

/**
 * Decides what a Kite postback is worth: 400 (not JSON, wrong shape), 401 (checksum missing or
 * matching no configured app), 202 (an account we do not follow), 200 only once the update is on
 * the bus, 503 when the bus could not take it (Kite will not retry; reconciliation finds it).
 */
@Injectable()
export class PostbackService {
  private readonly logger = new Logger(PostbackService.name);

  constructor(
    private readonly accounts: AccountRegistry,
    private readonly ingest: OrderIngestService,
    private readonly metrics: IngestMetrics,
  ) {}

  async receive(raw: Buffer | undefined, receivedAt: number): Promise<PostbackReply> {
    if (!raw || raw.length === 0) return this.invalid('empty body');
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return this.invalid(`body is not JSON: ${(err as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return this.invalid('body must be a JSON object (a Kite order)');
    }
    const head = PostbackHeadSchema.safeParse(json);
    if (!head.success) return this.invalid(describe(head.error.issues));
    const { order_id: orderId, checksum } = head.data;

    if (
      !checksum ||
      !this.accounts.secrets().some((secret) => verifyKitePostbackChecksum(head.data, secret))
    ) {
      this.metrics.checksumFailures.inc();
      this.metrics.rejected.inc({ reason: 'checksum' });
      this.logger.warn({ orderId, checksumGiven: Boolean(checksum) }, 'postback refused: bad checksum');
      return { httpStatus: 401, body: { status: 'error', message: 'checksum missing or invalid' } };
    }

    const accountId = head.data.user_id ?? head.data.account_id ?? head.data.placed_by;
    if (!accountId) return this.invalid('user_id: required');
    const account = this.accounts.find(accountId);
    if (!account) {
      this.metrics.unknownAccount.inc(this.metrics.labels('postback'));
      this.logger.warn({ orderId, accountId }, 'postback for an account this gateway does not follow');
      return { httpStatus: 202, body: { status: 'ignored', message: `unknown account ${accountId}` } };
    }

    const order = normalizeKiteOrder(json, { accountId });
    if (!order.ok) return this.invalid(order.error);
    try {
      const result = await this.ingest.ingest({
        order: order.value,
        userId: account.userId,
        channel: 'postback',
        receivedAt,
      });
      return result.outcome === 'published'
        ? { httpStatus: 200, body: { status: 'ok', id: result.id, ...(result.stale ? { stale: true } : {}) } }
        : { httpStatus: 200, body: { status: 'ok', id: result.id, duplicate: true } };
    } catch (err) {
      this.metrics.rejected.inc({ reason: 'unavailable' });
      this.logger.error(
        { orderId, accountId, error: (err as Error).message },
        'postback not published: event bus unavailable',
      );
      return { httpStatus: 503, body: { status: 'error', message: 'event bus unavailable, try again' } };
    }
  }

  private invalid(message: string): PostbackReply {
    this.metrics.rejected.inc({ reason: 'invalid' });
    return { httpStatus: 400, body: { status: 'error', message } };
  }
}
