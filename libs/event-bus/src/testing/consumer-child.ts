// A consumer replica in its own process for the bus tests: run with `node -r @swc-node/register`.
// Its handler's effects are idempotent (SADD of event ids) plus counters to detect duplicates.
import Redis from 'ioredis';
import { EventConsumer } from '../event-consumer';

const env = process.env;
const url = env.REDIS_URL ?? '';
const prefix = env.PREFIX ?? '';
const group = env.GROUP ?? 'svc';
const consumerName = env.CONSUMER ?? `child-${process.pid}`;
const stuckAfter = env.STUCK_AFTER ? Number(env.STUCK_AFTER) : Infinity;

async function main(): Promise<void> {
  const effects = new Redis(url, { maxRetriesPerRequest: null });
  let handled = 0;
  const consumer = new EventConsumer({
    url,
    prefix,
    group,
    consumer: consumerName,
    startId: '0',
    claimIdleMs: Number(env.CLAIM_IDLE_MS ?? 30_000),
    claimIntervalMs: Number(env.CLAIM_INTERVAL_MS ?? 100),
    batchSize: 50,
    handler: async (envelope, ctx) => {
      if (handled >= stuckAfter) {
        // Simulates a consumer hanging mid-batch; the test then kills it with SIGKILL.
        process.send?.({ stuck: true });
        await new Promise(() => undefined);
      }
      handled++;
      const multi = effects
        .multi()
        .sadd(`${prefix}:test:handled`, envelope.id)
        .hincrby(`${prefix}:test:count`, consumerName, 1);
      if (ctx.deliveries > 1) multi.hincrby(`${prefix}:test:redelivered`, consumerName, 1);
      await multi.exec();
    },
  });
  await consumer.start();
  process.send?.({ ready: true });
  process.once('SIGTERM', () => {
    void consumer
      .close()
      .then(() => effects.quit())
      .finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
