import { busKeys } from '@fillwire/event-bus';
import { parseEnvelope } from '@fillwire/events';
import { waitFor } from '@fillwire/testing';
import type Redis from 'ioredis';
import type { LogEntry } from './verify';

/** Reads `<prefix>:events` as the run needs it: whole, from a position, its end. */
export class ChaosEventLog {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = busKeys(prefix).events;
  }

  length(): Promise<number> {
    return this.redis.xlen(this.key);
  }

  async lastId(): Promise<string> {
    const last = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0-0';
  }

  /** Entries after `after` (all when omitted), envelopes parsed: one that does not parse throws. */
  async read(after?: string): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    let start = after ? `(${after}` : '-';
    for (;;) {
      const batch = await this.redis.xrange(this.key, start, '+', 'COUNT', 1000);
      for (const [entryId, fields] of batch) {
        const at = fields.indexOf('envelope');
        out.push({ entryId, envelope: parseEnvelope(fields[at + 1]) });
      }
      if (batch.length < 1000) return out;
      start = `(${batch[batch.length - 1][0]}`;
    }
  }

  /** Until each account's gateway has published `broker.connected` after entry `after` (bounded). */
  async waitConnected(accounts: readonly string[], after: string): Promise<void> {
    await waitFor(
      async () => {
        const back = new Set(
          (await this.read(after))
            .filter((e) => e.envelope.type === 'broker.connected')
            .map((e) => e.envelope.accountId),
        );
        return accounts.every((a) => back.has(a));
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `broker.connected of ${accounts.join(', ')}` },
    );
  }
}
