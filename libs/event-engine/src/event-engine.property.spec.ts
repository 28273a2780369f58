import fc from 'fast-check';
import { EventEngine } from './event-engine';
import type { EngineEvent, Priority } from './event-engine.types';
import { defaultPriorityOf } from './priority-resolver';

const TYPES = [
  'order.updated',
  'trade.executed',
  'position.updated',
  'broker.connected',
  'order.notification',
];
const PRIORITIES: Priority[] = ['critical', 'normal', 'low'];

type Step = { put: string; wait: boolean } | { yield: true };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ put: fc.constantFrom(...TYPES), wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ yield: true as const }) },
);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('EventEngine (property)', () => {
  it('delivers every put event to every matching handler exactly once, FIFO per priority', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { maxLength: 60 }),
        fc.subarray(TYPES),
        fc.subarray(TYPES),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        async (steps, syncTypes, asyncTypes, startLate, batchSize) => {
          const engine = new EventEngine({ timerIntervalMs: 0, batchSize });
          const received = new Map<string, number[]>([
            ['sync', []],
            ['async', []],
            ['general', []],
          ]);
          const record = (name: string) => (event: EngineEvent) =>
            void received.get(name)?.push(event.data as number);
          const syncHandler = record('sync');
          const asyncRecord = record('async');
          const asyncHandler = async (event: EngineEvent): Promise<void> => {
            await Promise.resolve();
            asyncRecord(event);
          };
          for (const type of syncTypes) engine.register(type, syncHandler);
          for (const type of asyncTypes) engine.register(type, asyncHandler);
          engine.registerGeneral(record('general'));

          if (!startLate) engine.start();
          const puts: EngineEvent[] = [];
          const waits: Promise<void>[] = [];
          for (const step of steps) {
            if ('put' in step) {
              const event = { type: step.put, data: puts.length };
              puts.push(event);
              if (!step.wait) engine.put(event);
              else {
                // When putAndWait resolves, every handler of that type has the event.
                const n = event.data;
                waits.push(
                  engine.putAndWait(event).then((report) => {
                    expect(report.accepted).toBe(true);
                    expect(received.get('general')).toContain(n);
                    if (syncTypes.includes(event.type)) expect(received.get('sync')).toContain(n);
                    if (asyncTypes.includes(event.type)) expect(received.get('async')).toContain(n);
                  }),
                );
              }
            } else {
              await turn();
            }
          }
          engine.start();
          await Promise.all(waits);
          await engine.idle();
          await engine.stop();

          const expectations: [string, string[]][] = [
            ['sync', syncTypes],
            ['async', asyncTypes],
            ['general', TYPES],
          ];
          for (const [name, types] of expectations) {
            const got = received.get(name) ?? [];
            const wanted = puts.filter((event) => types.includes(event.type));
            // Exactly once: same multiset of (unique) event numbers.
            expect([...got].sort((a, b) => a - b)).toEqual(wanted.map((event) => event.data));
            for (const priority of PRIORITIES) {
              const inPriority = (n: number) => defaultPriorityOf(puts[n].type) === priority;
              expect(got.filter(inPriority)).toEqual(
                wanted.map((event) => event.data as number).filter(inPriority),
              );
            }
          }
          // With everything queued before start, priority order is total: critical, then normal, then low.
          if (startLate && steps.every((step) => 'put' in step)) {
            const rank = (n: number) => PRIORITIES.indexOf(defaultPriorityOf(puts[n].type));
            const general = received.get('general') ?? [];
            expect(general.map(rank)).toEqual([...general.map(rank)].sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
