import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { EventEngine } from '@fillwire/event-engine';
import { defineSuite, type BenchContext } from '../bench.types';
import type { Summary } from '../stats';

interface BenchEvent {
  readonly type: string;
  readonly data: number;
}

type Handler = (event: BenchEvent) => void;

/** One implementation under test: one handler subscribed to every type the workload puts. */
interface Contender {
  readonly name: string;
  readonly note: string;
  create(
    types: readonly string[],
    handler: Handler,
    capacity: number,
  ): { put(event: BenchEvent): void; close(): Promise<void> };
}

/** The reference: a plain array queue with a type → handlers map, drained by setImmediate. */
const baseline: Contender = {
  name: 'baseline',
  note: 'array queue + Map dispatch, drained with setImmediate',
  create(types, handler) {
    const handlers = new Map<string, Handler[]>(types.map((type) => [type, [handler]]));
    let queue: BenchEvent[] = [];
    let scheduled = false;
    const drain = (): void => {
      scheduled = false;
      const batch = queue;
      queue = [];
      for (const event of batch) {
        const list = handlers.get(event.type);
        if (list !== undefined) for (const h of list) h(event);
      }
    };
    return {
      put(event) {
        queue.push(event);
        if (!scheduled) {
          scheduled = true;
          setImmediate(drain);
        }
      },
      close: () => Promise.resolve(),
    };
  },
};

const emitter: Contender = {
  name: 'EventEmitter',
  note: 'node:events, synchronous dispatch (no queue)',
  create(types, handler) {
    const ee = new EventEmitter();
    for (const type of types) ee.on(type, handler);
    return { put: (event) => void ee.emit(event.type, event), close: () => Promise.resolve() };
  },
};

function engineContender(name: string, note: string, withMiddleware: boolean): Contender {
  return {
    name,
    note,
    create(types, handler, capacity) {
      // Defaults otherwise: history 1,000, sampled handler timing, priorities, 1 s timer.
      const engine = new EventEngine<Record<string, BenchEvent>>({ capacity });
      for (const type of types) engine.register(type, handler);
      if (withMiddleware) engine.use((event) => (event.type === 'spam.dropped' ? null : event));
      engine.start();
      return { put: (event) => void engine.put(event), close: () => engine.stop() };
    },
  };
}

const CONTENDERS: readonly Contender[] = [
  baseline,
  emitter,
  engineContender('engine', '@fillwire/event-engine, defaults', false),
  engineContender('engine+mix', 'engine, 3 priorities interleaved + 1 middleware', true),
];

const SINGLE = ['order.updated'] as const;
const MIXED = ['order.updated', 'position.updated', 'order.notification'] as const;
const typesFor = (contender: Contender): readonly string[] =>
  contender.name === 'engine+mix' ? MIXED : SINGLE;

/** Events per second for `count` events put in one synchronous burst, until the handler saw the last. */
async function burst(contender: Contender, count: number): Promise<number> {
  const types = typesFor(contender);
  let seen = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const target = contender.create(
    types,
    () => {
      if (++seen === count) finish();
    },
    count + 1,
  );
  const start = performance.now();
  for (let i = 0; i < count; i++) target.put({ type: types[i % types.length], data: i });
  await done;
  const elapsed = performance.now() - start;
  await target.close();
  return (count / elapsed) * 1000;
}

/** put → handler latency in µs at `rate` events/s. */
async function paced(
  ctx: BenchContext,
  contender: Contender,
  rate: number,
  durationMs: number,
): Promise<Summary> {
  const types = typesFor(contender);
  const total = Math.floor((rate * durationMs) / 1000);
  const putAt = new Float64Array(total);
  const latencyUs = new Float64Array(total);
  let seen = 0;
  const target = contender.create(
    types,
    (event) => {
      latencyUs[event.data] = (performance.now() - putAt[event.data]) * 1000;
      seen++;
    },
    100_000,
  );
  await ctx.pace({
    rate,
    durationMs,
    send: (index) => {
      putAt[index] = performance.now();
      target.put({ type: types[index % types.length], data: index });
    },
  });
  // The last event may still be queued for a turn of the loop.
  for (let turns = 0; seen < total && turns < 1000; turns++)
    await new Promise((resolve) => setImmediate(resolve));
  await target.close();
  if (seen !== total) throw new Error(`${contender.name}: ${seen} of ${total} paced events handled`);
  return ctx.summarize(latencyUs);
}

export default defineSuite({
  name: 'engine',
  description:
    'in-process event engine vs a plain setImmediate queue and EventEmitter: burst events/s, paced latency',
  async run(ctx) {
    const burstEvents = ctx.quick ? 20_000 : 2_000_000;
    const rate = 1000;
    const durationMs = ctx.quick ? 200 : 2000;

    // Warm the JIT so run 1 is not a measurement of the compiler.
    for (const contender of CONTENDERS) await burst(contender, Math.min(burstEvents, 200_000));

    const bursts = new Map<string, number[]>(CONTENDERS.map((c) => [c.name, []]));
    const latencies = new Map<string, Summary[]>(CONTENDERS.map((c) => [c.name, []]));
    for (let run = 1; run <= ctx.runs; run++) {
      // Rotate the order so no contender always runs on a cold or a littered heap.
      for (let k = 0; k < CONTENDERS.length; k++) {
        const contender = CONTENDERS[(run + k) % CONTENDERS.length];
        ctx.gc();
        bursts.get(contender.name)?.push(await burst(contender, burstEvents));
      }
      for (const contender of CONTENDERS) {
        ctx.gc();
        latencies.get(contender.name)?.push(await paced(ctx, contender, rate, durationMs));
      }
      ctx.log.info(`run ${run}/${ctx.runs} done`);
    }

    const baselineRate = ctx.median(bursts.get(baseline.name) ?? []);
    const results = CONTENDERS.map((contender) => {
      const rates = bursts.get(contender.name) ?? [];
      const summaries = latencies.get(contender.name) ?? [];
      const eventsPerSecond = ctx.median(rates);
      const pick = (key: keyof Summary) => ctx.median(summaries.map((summary) => summary[key]));
      return {
        name: contender.name,
        note: contender.note,
        burst: { eventsPerSecond, ratioToBaseline: eventsPerSecond / baselineRate, runs: rates },
        pacedLatencyUs: {
          p50: pick('p50'),
          p95: pick('p95'),
          p99: pick('p99'),
          max: pick('max'),
          runs: summaries,
        },
      };
    });

    ctx.printTable(
      results.map((r) => ({
        contender: r.name,
        'burst events/s': Math.round(r.burst.eventsPerSecond),
        'vs baseline': `${r.burst.ratioToBaseline.toFixed(2)}×`,
        [`p50 µs @${rate}/s`]: r.pacedLatencyUs.p50,
        [`p99 µs @${rate}/s`]: r.pacedLatencyUs.p99,
        'max µs': r.pacedLatencyUs.max,
      })),
    );
    const written = await ctx.writeResult('engine', {
      reference: baseline.name,
      config: { burstEvents, pacedRate: rate, pacedDurationMs: durationMs, handlers: 1 },
      target: { eventsPerSecond: 2_000_000 },
      results,
    });
    ctx.log.info(`median of ${ctx.runs} runs; written ${written.latest}`);
  },
});
