import { EngineOverloadedError } from './engine-overloaded-error';
import { EventEngine } from './event-engine';
import type { EngineEvent, EngineLogger, EventMapOf, TimerEvent } from './event-engine.types';

const ev = (type: string, data: unknown = null): EngineEvent => ({ type, data });

/** Collects what a handler saw as `type:data`. */
function recorder(label = '') {
  const seen: string[] = [];
  const handler = (event: EngineEvent): void => {
    seen.push(`${label}${event.type}:${String(event.data)}`);
  };
  return { seen, handler };
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function fakeLogger(): EngineLogger & { errors: object[]; warnings: object[] } {
  const errors: object[] = [];
  const warnings: object[] = [];
  return { errors, warnings, error: (obj) => errors.push(obj), warn: (obj) => warnings.push(obj) };
}

describe('EventEngine', () => {
  let engine: EventEngine;

  beforeEach(() => {
    engine = new EventEngine({ timerIntervalMs: 0 });
  });

  afterEach(async () => {
    await engine.stop();
  });

  describe('vn.py semantics', () => {
    it('delivers events to the handlers of their type only', async () => {
      const orders = recorder();
      const trades = recorder();
      engine.register('order.updated', orders.handler);
      engine.register('trade.executed', trades.handler);
      engine.start();
      engine.put(ev('order.updated', 1));
      engine.put(ev('trade.executed', 2));
      engine.put(ev('position.updated', 3));
      await engine.idle();
      expect(orders.seen).toEqual(['order.updated:1']);
      expect(trades.seen).toEqual(['trade.executed:2']);
    });

    it('queues events put before start and dispatches them once started', async () => {
      const { seen, handler } = recorder();
      engine.register('order.updated', handler);
      engine.put(ev('order.updated', 1));
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([]);
      expect(engine.stats().queued.total).toBe(1);
      engine.start();
      await engine.idle();
      expect(seen).toEqual(['order.updated:1']);
    });

    it('registers the same handler for a type once, however often it is registered', async () => {
      const { seen, handler } = recorder();
      engine.register('order.updated', handler);
      engine.register('order.updated', handler);
      engine.start();
      engine.put(ev('order.updated', 1));
      await engine.idle();
      expect(seen).toEqual(['order.updated:1']);
      expect(engine.stats().handlers).toHaveLength(1);
    });

    it('calls handlers in registration order, then general handlers', async () => {
      const calls: string[] = [];
      engine.registerGeneral(() => void calls.push('general'));
      engine.register('order.updated', () => void calls.push('first'));
      engine.register('order.updated', () => void calls.push('second'));
      engine.start();
      engine.put(ev('order.updated'));
      await engine.idle();
      expect(calls).toEqual(['first', 'second', 'general']);
    });

    it('stops delivering to an unregistered handler and ignores unknown unregistrations', async () => {
      const a = recorder('a ');
      const b = recorder('b ');
      engine.register('order.updated', a.handler);
      engine.register('order.updated', b.handler);
      engine.unregister('order.updated', a.handler);
      engine.unregister('order.updated', a.handler);
      engine.unregister('trade.executed', b.handler);
      engine.start();
      engine.put(ev('order.updated', 1));
      await engine.idle();
      expect(a.seen).toEqual([]);
      expect(b.seen).toEqual(['b order.updated:1']);
      engine.unregister('order.updated', b.handler);
      expect(engine.stats().handlers).toHaveLength(0);
    });

    it('gives every event to a general handler, once however often registered, until unregistered', async () => {
      const { seen, handler } = recorder();
      engine.registerGeneral(handler);
      engine.registerGeneral(handler);
      engine.start();
      engine.put(ev('order.updated', 1));
      engine.put(ev('broker.connected', 2));
      await engine.idle();
      engine.unregisterGeneral(handler);
      engine.put(ev('order.updated', 3));
      await engine.idle();
      expect(seen).toEqual(['order.updated:1', 'broker.connected:2']);
    });

    it('lets a handler unregister itself mid-dispatch without disturbing the others', async () => {
      const calls: string[] = [];
      const once = (): void => {
        calls.push('once');
        engine.unregister('order.updated', once);
      };
      engine.register('order.updated', once);
      engine.register('order.updated', () => void calls.push('other'));
      engine.start();
      engine.put(ev('order.updated'));
      engine.put(ev('order.updated'));
      await engine.idle();
      expect(calls).toEqual(['once', 'other', 'other']);
    });

    it('dispatches events that handlers put, after the current one', async () => {
      const calls: string[] = [];
      engine.register('order.updated', (event) => {
        calls.push(`order ${String(event.data)}`);
        engine.put(ev('position.updated', event.data));
      });
      engine.register('position.updated', (event) => void calls.push(`position ${String(event.data)}`));
      engine.start();
      engine.put(ev('order.updated', 1));
      await engine.idle();
      expect(calls).toEqual(['order 1', 'position 1']);
    });

    it('refuses nonsensical options', () => {
      expect(() => new EventEngine({ capacity: 0 })).toThrow(RangeError);
      expect(() => new EventEngine({ historySize: 1.5 })).toThrow(RangeError);
      expect(() => new EventEngine({ timerIntervalMs: -1 })).toThrow(RangeError);
      expect(() => new EventEngine({ batchBudgetMs: Number.NaN })).toThrow(RangeError);
    });

    it('refuses an event without a string type', () => {
      expect(() => engine.put({ data: 1 } as unknown as EngineEvent)).toThrow(TypeError);
    });
  });

  describe('timer', () => {
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'], now: 1_000_000 });
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('puts a timer event every second by default while started, and none once stopped', async () => {
      const timed = new EventEngine();
      const ticks: TimerEvent[] = [];
      timed.register('timer', (event) => void ticks.push(event));
      jest.advanceTimersByTime(5000);
      timed.start();
      jest.advanceTimersByTime(3000);
      await timed.idle();
      expect(ticks.map((tick) => tick.data.seq)).toEqual([1, 2, 3]);
      expect(ticks.map((tick) => tick.data.ts)).toEqual([1_006_000, 1_007_000, 1_008_000]);
      await timed.stop();
      jest.advanceTimersByTime(3000);
      await timed.idle();
      expect(ticks).toHaveLength(3);
    });

    it('honours a custom interval, reaches general handlers, and can be turned off', async () => {
      const fast = new EventEngine({ timerIntervalMs: 100 });
      const off = new EventEngine({ timerIntervalMs: 0 });
      const fastSeen = recorder();
      const offSeen = recorder();
      fast.registerGeneral(fastSeen.handler);
      off.registerGeneral(offSeen.handler);
      fast.start();
      off.start();
      jest.advanceTimersByTime(1000);
      await Promise.all([fast.idle(), off.idle()]);
      expect(fastSeen.seen).toHaveLength(10);
      expect(offSeen.seen).toEqual([]);
      await Promise.all([fast.stop(), off.stop()]);
    });

    it('keeps one timer when started twice and restarts it after stop', async () => {
      const timed = new EventEngine({ timerIntervalMs: 1000 });
      const seen: number[] = [];
      timed.register('timer', (event) => void seen.push(event.data.seq));
      timed.start();
      timed.start();
      jest.advanceTimersByTime(2000);
      await timed.stop();
      await timed.stop();
      timed.start();
      jest.advanceTimersByTime(1000);
      await timed.idle();
      await timed.stop();
      expect(seen).toEqual([1, 2, 3]);
    });
  });

  describe('isolation of failing handlers', () => {
    it('logs, counts and dead-letters a throwing handler while the others and later events carry on', async () => {
      const logger = fakeLogger();
      const isolated = new EventEngine({ timerIntervalMs: 0, logger, now: () => 42 });
      const boom = new Error('boom');
      const { seen, handler } = recorder();
      isolated.register('order.updated', function explodes(): void {
        throw boom;
      });
      isolated.register('order.updated', handler);
      isolated.registerGeneral(handler);
      isolated.start();
      isolated.put(ev('order.updated', 1));
      isolated.put(ev('order.updated', 2));
      await isolated.idle();
      expect(seen).toEqual(['order.updated:1', 'order.updated:1', 'order.updated:2', 'order.updated:2']);
      expect(isolated.stats().failed).toBe(2);
      expect(isolated.deadLetters()).toEqual([
        { event: ev('order.updated', 1), error: boom, handler: 'explodes', stage: 'handler', at: 42 },
        { event: ev('order.updated', 2), error: boom, handler: 'explodes', stage: 'handler', at: 42 },
      ]);
      expect(logger.errors[0]).toMatchObject({ err: boom, eventType: 'order.updated', handler: 'explodes' });
      const explodes = isolated.stats().handlers.find((h) => h.handler === 'explodes');
      expect(explodes).toMatchObject({ calls: 2, failures: 2 });
      await isolated.stop();
    });

    it('isolates a rejecting async handler the same way', async () => {
      const isolated = new EventEngine({ timerIntervalMs: 0 });
      const { seen, handler } = recorder();
      isolated.register('trade.executed', async function rejects(): Promise<void> {
        await Promise.resolve();
        throw new Error('async boom');
      });
      isolated.register('trade.executed', handler);
      isolated.start();
      isolated.put(ev('trade.executed', 1));
      isolated.put(ev('trade.executed', 2));
      await isolated.idle();
      expect(seen).toEqual(['trade.executed:1', 'trade.executed:2']);
      expect(isolated.stats().failed).toBe(2);
      expect(isolated.deadLetters().map((d) => [d.handler, (d.error as Error).message])).toEqual([
        ['rejects', 'async boom'],
        ['rejects', 'async boom'],
      ]);
      await isolated.stop();
    });

    it('keeps only the newest dead letters, and hands them over once', async () => {
      const bounded = new EventEngine({ timerIntervalMs: 0, deadLetterSize: 3 });
      bounded.register('order.updated', () => {
        throw new Error('no');
      });
      bounded.start();
      for (let i = 1; i <= 5; i++) bounded.put(ev('order.updated', i));
      await bounded.idle();
      expect(bounded.stats().failed).toBe(5);
      expect(bounded.stats().deadLetters).toBe(3);
      expect(bounded.takeDeadLetters().map((d) => d.event.data)).toEqual([3, 4, 5]);
      expect(bounded.deadLetters()).toEqual([]);
      await bounded.stop();
    });
  });

  describe('priorities', () => {
    it('dispatches critical before normal before low, FIFO within each', async () => {
      const { seen, handler } = recorder();
      engine.registerGeneral(handler);
      engine.put(ev('order.notification', 1));
      engine.put(ev('position.updated', 2));
      engine.put(ev('order.updated', 3));
      engine.put(ev('broker.connected', 4));
      engine.put(ev('trade.executed', 5));
      engine.put(ev('order.notification', 6));
      engine.start();
      await engine.idle();
      expect(seen).toEqual([
        'order.updated:3',
        'trade.executed:5',
        'position.updated:2',
        'broker.connected:4',
        'order.notification:1',
        'order.notification:6',
      ]);
    });

    it('uses an injected priority resolver', async () => {
      const custom = new EventEngine({
        timerIntervalMs: 0,
        priorityOf: (type) => (type === 'urgent' ? 'critical' : 'low'),
      });
      const { seen, handler } = recorder();
      custom.registerGeneral(handler);
      custom.put(ev('order.updated', 1));
      custom.put(ev('urgent', 2));
      custom.start();
      await custom.idle();
      expect(seen).toEqual(['urgent:2', 'order.updated:1']);
      await custom.stop();
    });
  });

  describe('middleware', () => {
    it('enriches events in chain order before handlers and history see them', async () => {
      const seen: EngineEvent[] = [];
      engine.use((event) => ({ ...event, data: { value: event.data, steps: ['a'] } }));
      engine.use((event) => {
        (event.data as { steps: string[] }).steps.push('b');
      });
      engine.register('order.updated', (event) => void seen.push(event));
      engine.start();
      engine.put(ev('order.updated', 1));
      await engine.idle();
      expect(seen).toEqual([{ type: 'order.updated', data: { value: 1, steps: ['a', 'b'] } }]);
      expect(engine.history()).toEqual(seen);
    });

    it('drops an event a middleware returns null for, and counts it', async () => {
      const { seen, handler } = recorder();
      const later = jest.fn((event: EngineEvent) => event);
      engine.use((event) => (event.data === 'spam' ? null : event));
      engine.use(later);
      engine.registerGeneral(handler);
      engine.start();
      engine.put(ev('order.updated', 'spam'));
      engine.put(ev('order.updated', 'ham'));
      await engine.idle();
      expect(seen).toEqual(['order.updated:ham']);
      expect(later).toHaveBeenCalledTimes(1);
      expect(engine.stats()).toMatchObject({ published: 2, processed: 1, filtered: 1, failed: 0 });
      expect(engine.history().map((event) => event.data)).toEqual(['ham']);
    });

    it('dead-letters an event whose middleware throws and goes on with the next', async () => {
      const { seen, handler } = recorder();
      engine.use(function validate(event) {
        if (event.data === 'bad') throw new Error('invalid');
        return event;
      });
      engine.registerGeneral(handler);
      engine.start();
      engine.put(ev('order.updated', 'bad'));
      engine.put(ev('order.updated', 'good'));
      await engine.idle();
      expect(seen).toEqual(['order.updated:good']);
      expect(engine.deadLetters()).toMatchObject([{ handler: 'validate', stage: 'middleware' }]);
      expect(engine.stats().failed).toBe(1);
    });
  });

  describe('history', () => {
    it('keeps the last 1,000 events by default', async () => {
      engine.start();
      for (let i = 0; i < 1005; i++) engine.put(ev('position.updated', i));
      await engine.idle();
      const history = engine.history();
      expect(history).toHaveLength(1000);
      expect(history[0].data).toBe(5);
      expect(history[999].data).toBe(1004);
    });

    it('is bounded, queryable by type and limit, oldest first', async () => {
      const small = new EventEngine({ timerIntervalMs: 0, historySize: 4 });
      small.start();
      ['a.x', 'b.x', 'a.x', 'b.x', 'a.x', 'a.x'].forEach((type, i) => small.put(ev(type, i)));
      await small.idle();
      expect(small.history().map((event) => event.data)).toEqual([2, 3, 4, 5]);
      expect(small.history('a.x').map((event) => event.data)).toEqual([2, 4, 5]);
      expect(small.history('a.x', 2).map((event) => event.data)).toEqual([4, 5]);
      expect(small.history('c.x')).toEqual([]);
      await small.stop();
    });

    it('can be turned off', async () => {
      const none = new EventEngine({ timerIntervalMs: 0, historySize: 0 });
      none.start();
      none.put(ev('order.updated'));
      await none.idle();
      expect(none.history()).toEqual([]);
      await none.stop();
    });
  });

  describe('stats', () => {
    it('counts published, processed, queued per priority and handler calls and time', async () => {
      const exact = new EventEngine({ timerIntervalMs: 0, handlerTiming: 'all' });
      exact.register('order.updated', () => undefined);
      exact.registerGeneral(() => undefined);
      exact.put(ev('order.updated'));
      exact.put(ev('position.updated'));
      exact.put(ev('position.updated'));
      exact.put(ev('order.notification'));
      expect(exact.stats()).toMatchObject({
        running: false,
        published: 4,
        processed: 0,
        queued: { total: 4, critical: 1, normal: 2, low: 1 },
      });
      exact.start();
      await exact.idle();
      const stats = exact.stats();
      expect(stats).toMatchObject({
        running: true,
        published: 4,
        processed: 4,
        failed: 0,
        dropped: { total: 0, normal: 0, low: 0 },
        queued: { total: 0, critical: 0, normal: 0, low: 0 },
        inFlight: 0,
        handlerCalls: 5,
        handlerTimedCalls: 5,
      });
      expect(stats.handlerMaxMs).toBeGreaterThanOrEqual(0);
      expect(stats.handlerTotalMs).toBeGreaterThanOrEqual(stats.handlerMaxMs);
      expect(stats.handlers.map((h) => [h.type, h.calls, h.timedCalls])).toEqual([
        ['order.updated', 1, 1],
        ['*', 4, 4],
      ]);
      await exact.stop();
    });

    it('times no sync call when timing is off, and a sample of them by default', async () => {
      const off = new EventEngine({ timerIntervalMs: 0, handlerTiming: 'off' });
      off.register('order.updated', () => undefined);
      engine.register('order.updated', () => undefined);
      off.start();
      engine.start();
      for (let i = 0; i < 64; i++) {
        off.put(ev('order.updated'));
        engine.put(ev('order.updated'));
      }
      await Promise.all([off.idle(), engine.idle()]);
      expect(off.stats()).toMatchObject({ handlerCalls: 64, handlerTimedCalls: 0 });
      expect(engine.stats()).toMatchObject({ handlerCalls: 64, handlerTimedCalls: 4 });
      await off.stop();
    });
  });

  describe('bounded queue', () => {
    it('drops low first, then refuses normal, and takes critical beyond capacity up to its limit', async () => {
      const logger = fakeLogger();
      const bounded = new EventEngine({ timerIntervalMs: 0, capacity: 3, criticalLimit: 3, logger });
      const { seen, handler } = recorder();
      bounded.registerGeneral(handler);

      expect(bounded.put(ev('order.notification', 'l1'))).toBe(true);
      expect(bounded.put(ev('order.notification', 'l2'))).toBe(true);
      expect(bounded.put(ev('order.notification', 'l3'))).toBe(true);
      expect(bounded.put(ev('order.notification', 'l4'))).toBe(false);
      // Full: a normal event evicts the oldest low one.
      expect(bounded.put(ev('position.updated', 'n1'))).toBe(true);
      expect(bounded.put(ev('position.updated', 'n2'))).toBe(true);
      // So does a critical one.
      expect(bounded.put(ev('order.updated', 'c1'))).toBe(true);
      expect(bounded.stats().dropped).toEqual({ total: 4, normal: 0, low: 4 });
      // No low left: normal is refused, critical goes beyond capacity.
      expect(bounded.put(ev('position.updated', 'n3'))).toBe(false);
      expect(bounded.put(ev('order.updated', 'c2'))).toBe(true);
      expect(bounded.put(ev('trade.executed', 'c3'))).toBe(true);
      expect(bounded.stats()).toMatchObject({
        overCapacity: 2,
        dropped: { total: 5, normal: 1, low: 4 },
        queued: { total: 5, critical: 3, normal: 2, low: 0 },
      });
      // Past criticalLimit the caller is told, never silently dropped.
      expect(() => bounded.put(ev('order.updated', 'c4'))).toThrow(EngineOverloadedError);

      bounded.start();
      await bounded.idle();
      expect(seen).toEqual([
        'order.updated:c1',
        'order.updated:c2',
        'trade.executed:c3',
        'position.updated:n1',
        'position.updated:n2',
      ]);
      expect(bounded.stats().published).toBe(8);
      await bounded.stop();
    });
  });

  describe('async handlers', () => {
    it('awaits each call before the same handler gets its next event, without holding up others', async () => {
      const gate = deferred();
      const asyncSeen: string[] = [];
      const sync = recorder();
      engine.register('order.updated', async (event) => {
        asyncSeen.push(`start ${String(event.data)}`);
        if (event.data === 1) await gate.promise;
        asyncSeen.push(`end ${String(event.data)}`);
      });
      engine.register('order.updated', sync.handler);
      engine.start();
      engine.put(ev('order.updated', 1));
      engine.put(ev('order.updated', 2));
      await new Promise((resolve) => setImmediate(resolve));
      expect(sync.seen).toEqual(['order.updated:1', 'order.updated:2']);
      expect(asyncSeen).toEqual(['start 1']);
      expect(engine.stats()).toMatchObject({ inFlight: 1 });
      expect(engine.stats().handlers[0].backlog).toBe(1);
      gate.resolve();
      await engine.idle();
      expect(asyncSeen).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    });

    it('pauses dispatch while an async handler backlog is full and resumes once it drains', async () => {
      const logger = fakeLogger();
      const paced = new EventEngine({ timerIntervalMs: 0, maxHandlerBacklog: 2, logger });
      const gate = deferred();
      const sync = recorder();
      paced.register('order.updated', async () => {
        await gate.promise;
      });
      paced.register('order.updated', sync.handler);
      paced.start();
      for (let i = 1; i <= 5; i++) paced.put(ev('order.updated', i));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(sync.seen).toHaveLength(3);
      expect(paced.stats().queued.total).toBe(2);
      expect(logger.warnings).toHaveLength(1);
      gate.resolve();
      await paced.idle();
      expect(sync.seen).toHaveLength(5);
      expect(paced.stats().handlers[0]).toMatchObject({ calls: 5, backlog: 0, timedCalls: 5 });
      await paced.stop();
    });

    it('stop() resolves only once in-flight async calls have settled', async () => {
      const gate = deferred();
      let finished = false;
      engine.register('order.updated', async () => {
        await gate.promise;
        finished = true;
      });
      engine.start();
      engine.put(ev('order.updated'));
      await new Promise((resolve) => setImmediate(resolve));
      let stopped = false;
      const stopping = engine.stop().then(() => {
        stopped = true;
      });
      await Promise.resolve();
      expect(stopped).toBe(false);
      gate.resolve();
      await stopping;
      expect(finished).toBe(true);
      expect(engine.stats().inFlight).toBe(0);
    });
  });

  describe('putAndWait', () => {
    it('resolves once every handler call, sync and async, is done, with their errors', async () => {
      const gate = deferred();
      const order: string[] = [];
      const boom = new Error('boom');
      engine.register('order.updated', () => void order.push('sync'));
      engine.register('order.updated', async () => {
        await gate.promise;
        order.push('async');
      });
      engine.registerGeneral(() => {
        throw boom;
      });
      engine.start();
      const waiting = engine.putAndWait(ev('order.updated', 1)).then((report) => {
        order.push('resolved');
        return report;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(order).toEqual(['sync']);
      gate.resolve();
      expect(await waiting).toEqual({ accepted: true, filtered: false, handlers: 3, errors: [boom] });
      expect(order).toEqual(['sync', 'async', 'resolved']);
    });

    it('waits for an async handler to work through the events queued before it', async () => {
      const gate = deferred();
      const handled: number[] = [];
      engine.register('order.updated', async (event) => {
        await gate.promise;
        handled.push(event.data as number);
      });
      engine.start();
      engine.put(ev('order.updated', 1));
      const second = engine.putAndWait(ev('order.updated', 2));
      await new Promise((resolve) => setImmediate(resolve));
      gate.resolve();
      await second;
      expect(handled).toEqual([1, 2]);
    });

    it('reports a rejected async handler, a filtered event, and an event nobody handles', async () => {
      engine.register('trade.executed', () => Promise.reject(new Error('nope')));
      engine.use((event) => (event.data === 'drop' ? null : { ...event, data: `${String(event.data)}!` }));
      engine.start();
      const [rejected, filtered, unhandled] = await Promise.all([
        engine.putAndWait(ev('trade.executed', 'x')),
        engine.putAndWait(ev('trade.executed', 'drop')),
        engine.putAndWait(ev('position.updated', 'y')),
      ]);
      expect(rejected).toMatchObject({ accepted: true, handlers: 1, errors: [new Error('nope')] });
      expect(filtered).toEqual({ accepted: true, filtered: true, handlers: 0, errors: [] });
      expect(unhandled).toEqual({ accepted: true, filtered: false, handlers: 0, errors: [] });
    });

    it('reports a refusal by a full queue, rejects past the critical limit and a double await', async () => {
      const bounded = new EventEngine({ timerIntervalMs: 0, capacity: 1, criticalLimit: 1 });
      bounded.put(ev('position.updated'));
      await expect(bounded.putAndWait(ev('broker.connected'))).resolves.toEqual({
        accepted: false,
        filtered: false,
        handlers: 0,
        errors: [],
      });
      const critical = ev('order.updated');
      const first = bounded.putAndWait(critical);
      await expect(bounded.putAndWait(critical)).rejects.toThrow('already being awaited');
      await expect(bounded.putAndWait(ev('order.updated'))).rejects.toThrow(EngineOverloadedError);
      bounded.start();
      await expect(first).resolves.toMatchObject({ accepted: true, handlers: 0 });
      await bounded.stop();
    });
  });

  describe('start and stop', () => {
    it('leaves queued events for the next start by default, and drains them when asked', async () => {
      const { seen, handler } = recorder();
      engine.registerGeneral(handler);
      await engine.stop();
      engine.put(ev('order.updated', 1));
      engine.start();
      await engine.stop();
      expect(seen).toEqual([]);
      expect(engine.stats().queued.total).toBe(1);
      engine.start();
      engine.put(ev('order.updated', 2));
      await engine.stop({ drain: true });
      expect(seen).toEqual(['order.updated:1', 'order.updated:2']);
      expect(engine.isRunning).toBe(false);
      engine.put(ev('order.updated', 3));
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toHaveLength(2);
    });

    it('is idempotent in both directions', async () => {
      const { seen, handler } = recorder();
      engine.registerGeneral(handler);
      engine.start();
      engine.start();
      expect(engine.isRunning).toBe(true);
      engine.put(ev('order.updated', 1));
      await engine.idle();
      await Promise.all([engine.stop(), engine.stop()]);
      await engine.stop({ drain: true });
      expect(engine.isRunning).toBe(false);
      expect(seen).toEqual(['order.updated:1']);
    });

    it('a start() during a draining stop() keeps the engine running', async () => {
      const gate = deferred();
      engine.register('order.updated', () => gate.promise);
      engine.start();
      engine.put(ev('order.updated'));
      const stopping = engine.stop({ drain: true });
      engine.start();
      gate.resolve();
      await stopping;
      expect(engine.isRunning).toBe(true);
    });
  });

  describe('typing', () => {
    interface Order {
      orderId: string;
      quantity: number;
    }
    type Events = EventMapOf<
      { 'order.updated': Order; 'broker.connected': { broker: string } },
      { id: string }
    >;

    it('narrows handlers by event type from an event map', async () => {
      const typed = new EventEngine<Events>({ timerIntervalMs: 0 });
      const seen: string[] = [];
      typed.register('order.updated', (event) => void seen.push(`${event.id} ${event.data.orderId}`));
      typed.register('timer', (event) => void seen.push(String(event.data.seq)));
      typed.registerGeneral((event) => {
        if (event.type === 'broker.connected') seen.push(event.data.broker);
      });
      // Compile-time checks only: never called.
      void (() => {
        // @ts-expect-error order.updated carries an Order, which has no broker
        typed.register('order.updated', (event) => void seen.push(String(event.data.broker)));
        // @ts-expect-error unknown event types are refused by a closed map
        typed.register('order.unknown', () => undefined);
      });
      typed.start();
      typed.put({ id: 'e1', type: 'order.updated', data: { orderId: 'o1', quantity: 1 } });
      typed.put({ id: 'e2', type: 'broker.connected', data: { broker: 'zerodha' } });
      await typed.idle();
      expect(seen).toEqual(['e1 o1', 'zerodha']);
      await typed.stop();
    });
  });
});
