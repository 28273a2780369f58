import { setTimeout as sleep } from 'node:timers/promises';
import type { EventEnvelope } from '@fillwire/events';
import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { assertGroupName, busKeys, type BusKeys } from './bus-keys';
import { silentLogger, errorMessage, type BusLogger } from './bus-logger';
import { BusMetrics } from './bus-metrics';
import {
  ConsumerOptionsSchema,
  type ConsumerOptions,
  type ResolvedConsumerOptions,
} from './bus-options.schema';
import { CLAIM_SCRIPT, DEAD_LETTER_SCRIPT } from './bus-scripts';
import { compileFilter, type EnvelopePredicate, type EventFilter } from './event-filter';
import { consumerRedisOptions, createRedis, defaultConsumerName } from './redis-connection';
import { decodeEnvelope, fieldsToRecord, preciseNow, type RawEntry } from './stream-entry';

export interface HandlerContext {
  group: string;
  consumer: string;
  stream: string;
  entryId: string;
  /** 1 on the first delivery; grows with every retry. */
  deliveries: number;
  /** True when the entry is a dead letter replayed to this group. */
  replay: boolean;
}

export type EventHandler = (envelope: EventEnvelope, ctx: HandlerContext) => unknown;

export interface EventConsumerOptions extends ConsumerOptions {
  url: string;
  prefix: string;
  handler: EventHandler;
  /** Events that do not match are acked without calling the handler. */
  filter?: EventFilter;
  registry?: Registry;
  logger?: BusLogger;
}

interface Delivery {
  id: string;
  fields: string[];
  deliveries: number;
}

type Outcome = 'ack' | 'pending' | 'dead';

interface PendingAck {
  stream: string;
  ids: string[];
  /** Last-error keys of entries that had failed before. */
  errorKeys: string[];
}

type ClaimReply = [cursor: string, entries: [string, string[], number][], deleted: string[]];

type BusRedis = Redis & {
  fillwireClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdle: number,
    start: string,
    count: number,
  ): Promise<ClaimReply>;
  fillwireDeadLetter(
    stream: string,
    dlq: string,
    errorKey: string,
    group: string,
    entryId: string,
    envelope: string,
    error: string,
    deliveries: number,
    consumer: string,
    failedAt: number,
  ): Promise<string>;
};

const CONSUMER_CLEANUP_EVERY = 12;

/**
 * One replica of a subscribing service: reads `<prefix>:events` (and its group's retry stream)
 * through the service's consumer group, acks what the handler handled, retries failures by
 * reclaiming them after `claimIdleMs`, and dead-letters entries delivered `maxDeliveries` times.
 */
export class EventConsumer {
  readonly group: string;
  readonly name: string;
  private readonly options: ResolvedConsumerOptions;
  private readonly keys: BusKeys;
  private readonly streams: [events: string, retry: string];
  private readonly handler: EventHandler;
  private readonly accepts: EnvelopePredicate;
  private readonly logger: BusLogger;
  private readonly metrics?: BusMetrics;
  /** Commands, acks and claims. */
  private readonly cmd: BusRedis;
  /** XREADGROUP BLOCK holds its connection, so it gets its own. */
  private readonly block: Redis;
  private blockClientId?: number;
  private running = false;
  private loopDone?: Promise<void>;
  private claimTimer?: NodeJS.Timeout;
  private claiming?: Promise<void>;
  private claimPasses = 0;
  /** Serializes handling, so `concurrency` bounds handlers across the read loop and reclaims. */
  private chain: Promise<void> = Promise.resolve();
  /** Acks of handled batches, sent with the next read. */
  private unsentAcks: PendingAck[] = [];

  constructor(opts: EventConsumerOptions) {
    const { url, prefix, handler, filter, registry, logger, ...rest } = opts;
    this.options = ConsumerOptionsSchema.parse(rest);
    this.group = assertGroupName(this.options.group);
    this.name = this.options.consumer ?? defaultConsumerName();
    this.keys = busKeys(prefix);
    this.streams = [this.keys.events, this.keys.retry(this.group)];
    this.handler = handler;
    this.accepts = compileFilter(filter);
    this.logger = logger ?? silentLogger;
    this.metrics = registry ? new BusMetrics(registry) : undefined;
    const cmd = createRedis(url, consumerRedisOptions(), `fillwire-consumer-${this.group}`);
    cmd.defineCommand('fillwireClaim', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    cmd.defineCommand('fillwireDeadLetter', { numberOfKeys: 3, lua: DEAD_LETTER_SCRIPT });
    this.cmd = cmd as BusRedis;
    this.block = createRedis(url, consumerRedisOptions(), `fillwire-consumer-${this.group}-read`);
    this.block.on('close', () => (this.blockClientId = undefined));
  }

  /**
   * Creates the group if needed and starts reading; resolves once the group exists. When Redis is
   * not there yet it waits for it (consumers wait, producers fail fast).
   */
  async start(): Promise<void> {
    if (this.running) return;
    // A failed first connect keeps reconnecting in the background; the commands below wait for it.
    await Promise.all([
      this.cmd.connect().catch(() => undefined),
      this.block.connect().catch(() => undefined),
    ]);
    await this.ensureGroups();
    this.running = true;
    this.loopDone = this.readLoop();
    this.claimTimer = setInterval(() => void this.claimInBackground(), this.options.claimIntervalMs);
    this.claimTimer.unref();
  }

  /**
   * Stops reading, lets the handlers in flight finish and ack, then disconnects. Entries read but
   * not handled stay pending and are reclaimed by another replica.
   */
  async close(closeTimeoutMs = 10_000): Promise<void> {
    if (!this.running) {
      this.cmd.disconnect();
      this.block.disconnect();
      return;
    }
    this.running = false;
    clearInterval(this.claimTimer);
    if (this.blockClientId !== undefined && this.cmd.status === 'ready') {
      // UNBLOCK makes the pending XREADGROUP return empty instead of cutting a reply in half.
      await withTimeout(this.cmd.call('CLIENT', 'UNBLOCK', this.blockClientId), 500).catch(() => undefined);
    }
    const stopped = await withTimeout(this.loopDone, 1000).then(
      () => true,
      () => false,
    );
    // Cuts a read that UNBLOCK did not reach; harmless when the loop is busy in a handler instead.
    if (!stopped) this.block.disconnect();
    // A handler that never returns must not hold shutdown forever; its entry stays pending for a replica.
    const drained = await withTimeout(
      Promise.all([this.loopDone, this.claiming, this.chain]),
      closeTimeoutMs,
    ).then(
      () => true,
      () => false,
    );
    if (!drained)
      this.logger.warn({ group: this.group, consumer: this.name }, 'handlers still running at close');
    this.block.disconnect();
    const acks = this.unsentAcks;
    this.unsentAcks = [];
    await withTimeout(this.flushAcks(acks), 1000).catch((err: unknown) =>
      this.logger.warn(
        { group: this.group, err: errorMessage(err) },
        'acks lost at close; entries will be redelivered',
      ),
    );
    await withTimeout(this.cmd.quit(), 1000).catch(() => this.cmd.disconnect());
    this.cmd.disconnect();
  }

  /** One reclaim pass now (it also runs every `claimIntervalMs`); returns how many entries it took over. */
  async claimNow(): Promise<number> {
    let total = 0;
    for (const stream of this.streams) {
      let cursor = '0-0';
      for (let page = 0; page < 10; page++) {
        const [next, entries, deleted] = await this.cmd.fillwireClaim(
          stream,
          this.group,
          this.name,
          this.options.claimIdleMs,
          cursor,
          this.options.batchSize,
        );
        total += entries.length;
        if (entries.length) this.metrics?.reclaimed.inc({ group: this.group }, entries.length);
        for (const id of deleted) await this.recordTrimmed(stream, id);
        const retry: Delivery[] = [];
        for (const [id, fields, deliveries] of entries) {
          // Delivered more often than allowed: a consumer died while handling it (maybe because of it).
          if (deliveries > this.options.maxDeliveries) {
            await this.deadLetter(stream, { id, fields, deliveries }, '');
          } else retry.push({ id, fields, deliveries });
        }
        if (retry.length) {
          const ack = await this.exclusive(() => this.handleBatch(stream, retry));
          if (ack) await this.flushAcks([ack]);
        }
        cursor = next;
        if (cursor === '0-0') break;
      }
    }
    if (++this.claimPasses % CONSUMER_CLEANUP_EVERY === 0) await this.removeDeadConsumers();
    return total;
  }

  private async ensureGroups(): Promise<void> {
    const [events, retry] = this.streams;
    await createGroup(this.cmd, events, this.group, this.options.startId);
    await createGroup(this.cmd, retry, this.group, '0');
  }

  private async readLoop(): Promise<void> {
    let failures = 0;
    const [events, retry] = this.streams;
    while (this.running) {
      try {
        if (this.blockClientId === undefined)
          this.blockClientId = (await this.block.call('CLIENT', 'ID')) as number;
        if (!this.running) break;
        // The previous batch's acks travel in the same round trip as the next read.
        const acks = this.unsentAcks;
        const pipeline = this.block.pipeline();
        for (const ack of acks) this.addAck(pipeline, ack);
        pipeline.call(
          'XREADGROUP',
          'GROUP',
          this.group,
          this.name,
          'COUNT',
          this.options.batchSize,
          'BLOCK',
          this.options.blockMs,
          'STREAMS',
          events,
          retry,
          '>',
          '>',
        );
        const results = (await pipeline.exec()) ?? [];
        this.unsentAcks = this.unsentAcks.filter((ack) => !acks.includes(ack));
        const [readError, reply] = results[results.length - 1] ?? [new Error('empty pipeline reply'), null];
        const ackError = results.slice(0, -1).find(([err]) => err)?.[0];
        // A lost ack only means a redelivery later (at-least-once); log it and go on.
        if (ackError)
          this.logger.warn({ group: this.group, err: errorMessage(ackError) }, 'event bus ack failed');
        if (readError) throw readError;
        failures = 0;
        if (!reply) continue;
        for (const [stream, entries] of reply as [string, RawEntry[]][]) {
          const batch = entries.map(([id, fields]) => ({ id, fields, deliveries: 1 }));
          const ack = await this.exclusive(() => this.handleBatch(stream, batch));
          if (ack) this.unsentAcks.push(ack);
        }
      } catch (err) {
        if (!this.running) break;
        const message = errorMessage(err);
        // NOGROUP: Redis came back without our group (no persistence): recreate it and go on.
        if (message.includes('NOGROUP')) await this.ensureGroups().catch(() => undefined);
        else
          this.logger.warn(
            { group: this.group, consumer: this.name, err: message },
            'event bus read failed; retrying',
          );
        await sleep(Math.min(50 * 2 ** failures++, 2000));
      }
    }
  }

  private addAck(pipeline: ReturnType<Redis['pipeline']>, ack: PendingAck): void {
    pipeline.xack(ack.stream, this.group, ...ack.ids);
    if (ack.errorKeys.length) pipeline.del(...ack.errorKeys);
  }

  /** Sends acks now (reclaimed batches, and whatever the read loop left at close). */
  private async flushAcks(acks: PendingAck[]): Promise<void> {
    if (acks.length === 0) return;
    const pipeline = this.cmd.pipeline();
    for (const ack of acks) this.addAck(pipeline, ack);
    const replies = await pipeline.exec();
    const failed = replies?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      (err: unknown) =>
        this.logger.error({ group: this.group, err: errorMessage(err) }, 'event bus batch failed'),
    );
    return run;
  }

  /** Handles a batch and returns what to ack (handled or filtered entries). */
  private async handleBatch(stream: string, batch: Delivery[]): Promise<PendingAck | undefined> {
    const outcomes = new Array<Outcome>(batch.length);
    const limit = Math.min(this.options.concurrency, batch.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length) {
        const i = next++;
        outcomes[i] = await this.handleOne(stream, batch[i]);
      }
    };
    await Promise.all(Array.from({ length: limit }, worker));

    const acked = batch.filter((_, i) => outcomes[i] === 'ack');
    if (acked.length === 0) return undefined;
    return {
      stream,
      ids: acked.map((d) => d.id),
      errorKeys: acked.filter((d) => d.deliveries > 1).map((d) => this.keys.lastError(this.group, d.id)),
    };
  }

  private async handleOne(stream: string, delivery: Delivery): Promise<Outcome> {
    const raw = fieldsToRecord(delivery.fields).envelope;
    let envelope: EventEnvelope;
    try {
      envelope = decodeEnvelope(raw);
    } catch (err) {
      // No retry can fix a malformed entry.
      await this.deadLetter(stream, delivery, errorMessage(err));
      return 'dead';
    }
    if (!this.accepts(envelope)) {
      this.metrics?.filtered.inc({ group: this.group });
      return 'ack';
    }
    const ctx: HandlerContext = {
      group: this.group,
      consumer: this.name,
      stream,
      entryId: delivery.id,
      deliveries: delivery.deliveries,
      replay: stream !== this.keys.events,
    };
    try {
      await this.handler(envelope, ctx);
    } catch (err) {
      const message = errorMessage(err);
      this.metrics?.failed.inc({ group: this.group });
      const log = {
        group: this.group,
        eventId: envelope.id,
        type: envelope.type,
        entryId: delivery.id,
        err: message,
      };
      if (delivery.deliveries >= this.options.maxDeliveries) {
        this.logger.error(
          { ...log, deliveries: delivery.deliveries },
          'event handler failed; dead-lettering',
        );
        await this.deadLetter(stream, delivery, message);
        return 'dead';
      }
      this.logger.warn({ ...log, deliveries: delivery.deliveries }, 'event handler failed; will retry');
      await this.cmd.set(
        this.keys.lastError(this.group, delivery.id),
        message,
        'PX',
        this.options.errorTtlMs,
      );
      return 'pending';
    }
    if (this.metrics) {
      this.metrics.handled.inc({ group: this.group });
      this.metrics.handleLatency.observe(
        { group: this.group },
        Math.max(0, preciseNow() - envelope.receivedAt) / 1000,
      );
    }
    return 'ack';
  }

  private async deadLetter(stream: string, delivery: Delivery, error: string): Promise<void> {
    await this.cmd.fillwireDeadLetter(
      stream,
      this.keys.dlq,
      this.keys.lastError(this.group, delivery.id),
      this.group,
      delivery.id,
      fieldsToRecord(delivery.fields).envelope ?? '',
      error,
      delivery.deliveries,
      this.name,
      Date.now(),
    );
    this.metrics?.deadLettered.inc({ group: this.group });
  }

  private async recordTrimmed(stream: string, id: string): Promise<void> {
    this.logger.error(
      { group: this.group, entryId: id, stream },
      'pending entry was trimmed by retention before it was handled',
    );
    await this.deadLetter(
      stream,
      { id, fields: [], deliveries: 0 },
      'trimmed by log retention before it was handled',
    );
  }

  private async claimInBackground(): Promise<void> {
    if (this.claiming || !this.running) return;
    this.claiming = this.claimNow()
      .then(() => undefined)
      .catch((err: unknown) =>
        this.logger.warn({ group: this.group, err: errorMessage(err) }, 'event bus reclaim failed'),
      )
      .finally(() => (this.claiming = undefined));
    await this.claiming;
  }

  /** Replicas that are gone for good (idle long, nothing pending) would otherwise stay in the group forever. */
  private async removeDeadConsumers(): Promise<void> {
    for (const stream of this.streams) {
      const consumers = (await this.cmd.call('XINFO', 'CONSUMERS', stream, this.group)) as unknown[][];
      for (const info of consumers) {
        const c = fieldsToRecord(info.map(String));
        if (
          c.name !== this.name &&
          Number(c.pending) === 0 &&
          Number(c.idle) > this.options.deadConsumerIdleMs
        ) {
          await this.cmd.call('XGROUP', 'DELCONSUMER', stream, this.group, c.name);
        }
      }
    }
  }
}

async function createGroup(redis: Redis, stream: string, group: string, startId: string): Promise<void> {
  try {
    await redis.call('XGROUP', 'CREATE', stream, group, startId, 'MKSTREAM');
  } catch (err) {
    if (!errorMessage(err).includes('BUSYGROUP')) throw err;
  }
}

async function withTimeout<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!promise) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
