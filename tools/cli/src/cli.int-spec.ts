import { EventConsumer, EventPublisher, JobQueues, type EventHandler } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';
import { freePort, testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import { runCli } from './run-cli';

const envelope = (id: string, userId = 'demo', type = 'order.updated'): EventEnvelope => ({
  id,
  type,
  version: 1,
  ts: Date.now(),
  receivedAt: Date.now(),
  source: 'test',
  userId,
  data: {},
});

// Real processes and Redis on a shared 2-core machine: generous bounds, the tests finish in seconds.
jest.setTimeout(30_000);

describe('fillwire CLI against Redis', () => {
  let env: Record<string, string>;
  let prefix: string;
  let url: string;
  const closers: (() => Promise<unknown>)[] = [];

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { env, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeEach(async () => {
    url = await testRedisUrl();
    prefix = testPrefix('cli');
    env = { REDIS_URL: url, FILLWIRE_PREFIX: prefix };
  });
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  it('dlq list/show/replay an event dead letter', async () => {
    let broken = true;
    const handled: string[] = [];
    const handler: EventHandler = (e) => {
      if (broken) throw new Error('portfolio says no');
      handled.push(e.id);
    };
    const consumer = new EventConsumer({
      url,
      prefix,
      group: 'portfolio-manager',
      startId: '0',
      maxDeliveries: 1,
      handler,
    });
    const publisher = new EventPublisher({ url, prefix });
    closers.push(
      () => publisher.close(),
      () => consumer.close(),
    );
    await consumer.start();
    await publisher.publish(envelope('evt-bad'));

    const listed = await waitFor(async () => {
      const r = await cli('dlq', 'list');
      return r.out.includes('evt-bad') ? r : undefined;
    });
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      /^\d+-\d+ {2}event {2}portfolio-manager {2}order\.updated evt-bad {2}deliveries=1 .* portfolio says no$/,
    );
    const id = listed.out.split(' ')[0];

    const shown = await cli('dlq', 'show', id);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({
      id,
      group: 'portfolio-manager',
      error: 'portfolio says no',
      envelope: { id: 'evt-bad' },
    });

    broken = false;
    const replayed = await cli('dlq', 'replay', id);
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.out).toContain('to group portfolio-manager');
    await waitFor(() => handled.includes('evt-bad'));
    expect((await cli('dlq', 'list')).out).toBe('no dead letters');
    expect(await cli('dlq', 'show', id)).toMatchObject({ code: 1, err: `no dead letter ${id}` });
  });

  it('dlq list/show/replay a failed job', async () => {
    const jobs = new JobQueues({ url, prefix, defaultJobOptions: { attempts: 1 } });
    closers.push(() => jobs.close());
    let broken = true;
    const worker = jobs.worker('webhook-deliveries', () =>
      broken ? Promise.reject(new Error('HTTP 500')) : Promise.resolve('sent'),
    );
    const failed = new Promise((resolve) => worker.once('failed', resolve));
    await jobs
      .queue('webhook-deliveries')
      .add('deliver', { url: 'https://example.test' }, { jobId: 'deliver.evt-1' });
    await failed;

    const listed = await cli('dlq', 'list', '--queue', 'webhook-deliveries');
    expect(listed.out).toMatch(
      /^webhook-deliveries\/deliver\.evt-1 {2}job {2}deliver {2}attempts=1 .* HTTP 500$/,
    );
    expect(JSON.parse((await cli('dlq', 'show', 'webhook-deliveries/deliver.evt-1')).out)).toMatchObject({
      failedReason: 'HTTP 500',
    });

    broken = false;
    const completed = new Promise((resolve) => worker.once('completed', (_job, result) => resolve(result)));
    expect((await cli('dlq', 'replay', 'webhook-deliveries/deliver.evt-1')).out).toBe(
      'retrying job webhook-deliveries/deliver.evt-1',
    );
    await expect(completed).resolves.toBe('sent');
  });

  it('events tail prints the log as JSON lines, filtered, and events status shows the groups', async () => {
    const publisher = new EventPublisher({ url, prefix });
    closers.push(() => publisher.close());
    const [first, , , last] = await publisher.publishMany([
      envelope('e1'),
      envelope('e2', 'demo2'),
      envelope('e3', 'demo', 'position.updated'),
      envelope('e4'),
    ]);
    const all = await cli('events', 'tail', '--once');
    expect(
      all.out.split('\n').map((l) => (JSON.parse(l) as { envelope: EventEnvelope }).envelope.id),
    ).toEqual(['e1', 'e2', 'e3', 'e4']);

    const filtered = await cli(
      'events',
      'tail',
      '--once',
      '--from',
      first.entryId,
      '--type',
      'order.*',
      '--user',
      'demo',
    );
    expect(
      filtered.out.split('\n').map((l) => (JSON.parse(l) as { envelope: EventEnvelope }).envelope.id),
    ).toEqual(['e4']);

    // Following from the last entry: --limit ends the tail once the new event arrived.
    const following = cli('events', 'tail', '--from', last.entryId, '--limit', '1', '--user', 'demo2');
    await publisher.publishMany([envelope('late-1'), envelope('late-2', 'demo2')]);
    const tailed = await following;
    expect(tailed.code).toBe(0);
    expect((JSON.parse(tailed.out) as { envelope: EventEnvelope }).envelope).toMatchObject({
      id: 'late-2',
      userId: 'demo2',
    });

    const consumer = new EventConsumer({
      url,
      prefix,
      group: 'notifier',
      startId: '0',
      handler: () => undefined,
    });
    closers.push(() => consumer.close());
    await consumer.start();
    const status = await waitFor(async () => {
      const r = await cli('events', 'status');
      return r.out.includes('lag=0  pending=0') ? r : undefined;
    });
    expect(status.out).toMatch(new RegExp(`${prefix}:events {2}length=\\d+ {2}dead letters=0`));
    expect(status.out).toMatch(/notifier {2}consumers=1 {2}lag=0 {2}pending=0/);
  });

  it('says clearly when Redis cannot be reached', async () => {
    env = { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, FILLWIRE_PREFIX: prefix };
    for (const argv of [
      ['dlq', 'list'],
      ['dlq', 'replay', '1-0'],
      ['events', 'status'],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
    }
  });
});
