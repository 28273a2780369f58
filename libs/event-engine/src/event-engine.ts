import { performance } from 'node:perf_hooks';
import { EngineOverloadedError } from './engine-overloaded-error';
import type {
  AnyEventMap,
  DeadLetter,
  DeliveryReport,
  EngineEvent,
  EngineEventMap,
  EngineLogger,
  EngineStats,
  EventEngineOptions,
  EventMap,
  EventOf,
  Handler,
  HandlerStats,
  Middleware,
  Priority,
  PriorityResolver,
  StopOptions,
  TimerEvent,
} from './event-engine.types';
import { TIMER } from './event-engine.types';
import { defaultPriorityOf } from './priority-resolver';
import { RingQueue } from './ring-queue';

type AnyHandler = (event: EngineEvent) => void | Promise<void>;
type AnyMiddleware = (event: EngineEvent) => EngineEvent | null | undefined | void;

const GENERAL = '*';
const PRIORITY_CACHE_LIMIT = 1024;
const noopLogger: EngineLogger = { warn: () => undefined, error: () => undefined };

/**
 * One handler function's turn-taking: while an async call of it is in flight, every event for it (under
 * any type it is registered for, or as general) waits here, so it sees events one at a time in dispatch
 * order. Sync handlers never touch the backlog.
 */
class Mailbox {
  busy = false;
  /** Counted in the engine's `pausedBy` while the backlog is at its limit. */
  overLimit = false;
  current: EngineEvent | undefined = undefined;
  currentSub: Subscription | undefined = undefined;
  startedAt = 0;
  refs = 0;
  // Two parallel rings rather than one of pairs: no allocation per waiting event.
  readonly events = new RingQueue<EngineEvent>();
  readonly subs = new RingQueue<Subscription>();
  // Bound once so an async call costs no closure per event.
  readonly onFulfilled: () => void;
  readonly onRejected: (error: unknown) => void;

  constructor(settle: (mailbox: Mailbox, failed: boolean, error: unknown) => void) {
    this.onFulfilled = () => settle(this, false, undefined);
    this.onRejected = (error: unknown) => settle(this, true, error);
  }
}

/** Follows one event given to `putAndWait` until every handler call for it has finished. */
class Tracker {
  started = false;
  pending = 0;
  handlers = 0;
  filtered = false;
  readonly errors: unknown[] = [];

  constructor(readonly resolve: (report: DeliveryReport) => void) {}

  finish(): void {
    this.resolve({ accepted: true, filtered: this.filtered, handlers: this.handlers, errors: this.errors });
  }
}

/** One handler registered for one type (or as general), with its counters. */
class Subscription {
  calls = 0;
  timedCalls = 0;
  failures = 0;
  totalMs = 0;
  maxMs = 0;

  constructor(
    readonly type: string,
    readonly fn: AnyHandler,
    readonly mailbox: Mailbox,
  ) {}

  get name(): string {
    return this.fn.name || 'anonymous';
  }
}

/**
 * vn.py's EventEngine for one Node process: typed and general handlers, timer events, start/stop;
 * plus priorities, middleware, isolation of failing handlers, history, stats and a dead-letter list.
 * Semantics and the policies chosen (queue full, async handlers, stop) are in the lib's README.
 */
export class EventEngine<M extends EventMap<M> = AnyEventMap> {
  private readonly timerIntervalMs: number;
  private readonly capacity: number;
  private readonly criticalLimit: number;
  private readonly batchSize: number;
  private readonly batchBudgetMs: number;
  private readonly maxHandlerBacklog: number;
  private readonly historySize: number;
  private readonly deadLetterSize: number;
  private readonly priorityOf: PriorityResolver;
  private readonly logger: EngineLogger;
  private readonly now: () => number;

  private readonly critical = new RingQueue<EngineEvent>();
  private readonly normal = new RingQueue<EngineEvent>();
  private readonly low = new RingQueue<EngineEvent>();
  private readonly priorities = new Map<string, Priority>();
  // Copy-on-write arrays: a handler that (un)registers mid-dispatch does not disturb the loop over them.
  private readonly typed = new Map<string, Subscription[]>();
  private general: Subscription[] = [];
  private readonly mailboxes = new Map<AnyHandler, Mailbox>();
  /** Events awaited through `putAndWait`, by identity; checked only while non-empty. */
  private readonly trackers = new Map<EngineEvent, Tracker>();
  private middlewares: AnyMiddleware[] = [];
  // History is a plain overwrite-oldest circle: one store per event on the hot path.
  private readonly historyBuf: (EngineEvent | undefined)[];
  private historyNext = 0;
  private historyCount = 0;
  private readonly deadLetterLog = new RingQueue<DeadLetter<EngineEvent>>();

  private running = false;
  private stopPending = false;
  private generation = 0;
  private scheduled = false;
  private dispatching = false;
  /** Mailboxes whose backlog is full; dispatch waits while any exist. */
  private pausedBy = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerSeq = 0;
  private readonly timingMode: 'all' | 'sampled' | 'off';
  private timingSeq = 0;
  /** Whether the event being dispatched has its handler calls timed. */
  private timing = false;
  /** Last clock reading while timing: one `performance.now()` per handler call times them all. */
  private clock = 0;
  private size = 0;
  private idleWaiters: (() => void)[] = [];
  private settledWaiters: (() => void)[] = [];
  private readonly settleBound = (mailbox: Mailbox, failed: boolean, error: unknown): void =>
    this.settle(mailbox, failed, error);
  private readonly runBatchBound = (): void => this.runBatch();
  private readonly onTimerBound = (): void => this.onTimer();

  private published = 0;
  private processed = 0;
  private filtered = 0;
  private failed = 0;
  private droppedNormal = 0;
  private droppedLow = 0;
  private overCapacity = 0;
  private handlerCalls = 0;
  private handlerTimedCalls = 0;
  private handlerTotalMs = 0;
  private handlerMaxMs = 0;

  constructor(options: EventEngineOptions = {}) {
    this.timerIntervalMs = nonNegative('timerIntervalMs', options.timerIntervalMs ?? 1000);
    this.capacity = count('capacity', options.capacity ?? 100_000, 1);
    this.criticalLimit = count('criticalLimit', options.criticalLimit ?? this.capacity * 10, 1);
    this.batchSize = count('batchSize', options.batchSize ?? 4096, 1);
    this.batchBudgetMs = positive('batchBudgetMs', options.batchBudgetMs ?? 5);
    this.maxHandlerBacklog = count('maxHandlerBacklog', options.maxHandlerBacklog ?? 10_000, 1);
    this.historySize = count('historySize', options.historySize ?? 1000, 0);
    this.deadLetterSize = count('deadLetterSize', options.deadLetterSize ?? 1000, 0);
    this.priorityOf = options.priorityOf ?? defaultPriorityOf;
    this.logger = options.logger ?? noopLogger;
    this.now = options.now ?? (() => Date.now());
    this.timingMode = options.handlerTiming ?? 'sampled';
    this.historyBuf = new Array<EngineEvent | undefined>(this.historySize).fill(undefined);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts dispatching (events put earlier are dispatched now) and the timer. Idempotent. */
  start(): void {
    if (this.running && !this.stopPending) return;
    // A start() during a draining stop() cancels that stop.
    this.stopPending = false;
    this.running = true;
    this.generation++;
    if (this.timerIntervalMs > 0 && this.timer === undefined) {
      this.timer = setInterval(this.onTimerBound, this.timerIntervalMs);
      // The engine never holds a process open by itself; the service that owns it decides that.
      this.timer.unref();
    }
    this.schedule();
  }

  /**
   * Stops the timer and dispatch. Without `drain`, queued events stay queued for the next `start()`
   * (vn.py). Resolves once every async handler call in flight has settled. Idempotent.
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.clearTimer();
    if (this.running && options.drain === true) {
      const generation = this.generation;
      this.stopPending = true;
      return this.idle().then(() => {
        if (this.generation !== generation) return;
        this.running = false;
        this.stopPending = false;
      });
    }
    this.running = false;
    this.stopPending = false;
    return this.settled();
  }

  /**
   * Queues an event. Returns false when it was dropped because the queue is full (never for critical
   * events); throws EngineOverloadedError when critical events pass `criticalLimit`.
   */
  put(event: EventOf<M>): boolean {
    return this.enqueue(event);
  }

  /**
   * Puts an event and resolves once every handler call for it has finished (async ones settled), with
   * what happened to it: refused by a full queue, filtered by a middleware, or handled with any errors
   * (which are also dead-lettered). Rejects with EngineOverloadedError like `put` throws. For acking a
   * bus entry only when local handlers are done with it; costs a promise, so `put` stays the hot path.
   */
  putAndWait(event: EventOf<M>): Promise<DeliveryReport> {
    const input = event as EngineEvent;
    if (this.trackers.has(input)) {
      return Promise.reject(new Error('this event object is already being awaited; put a copy'));
    }
    return new Promise<DeliveryReport>((resolve) => {
      this.trackers.set(input, new Tracker(resolve));
      let accepted = false;
      try {
        accepted = this.enqueue(input);
      } finally {
        if (!accepted) this.trackers.delete(input);
      }
      if (!accepted) resolve({ accepted: false, filtered: false, handlers: 0, errors: [] });
    });
  }

  register<K extends keyof EngineEventMap<M> & string>(
    type: K,
    handler: Handler<EngineEventMap<M>[K]>,
  ): void {
    const list = this.typed.get(type) ?? [];
    const fn = handler as unknown as AnyHandler;
    if (list.some((sub) => sub.fn === fn)) return;
    this.typed.set(type, [...list, this.subscribe(type, fn)]);
  }

  unregister<K extends keyof EngineEventMap<M> & string>(
    type: K,
    handler: Handler<EngineEventMap<M>[K]>,
  ): void {
    const list = this.typed.get(type);
    if (list === undefined) return;
    const fn = handler as unknown as AnyHandler;
    if (!list.some((sub) => sub.fn === fn)) return;
    this.unsubscribe(fn);
    const rest = list.filter((sub) => sub.fn !== fn);
    if (rest.length === 0) this.typed.delete(type);
    else this.typed.set(type, rest);
  }

  /** A general handler receives every event, after the handlers of its type (vn.py). */
  registerGeneral(handler: Handler<EventOf<EngineEventMap<M>>>): void {
    const fn = handler as unknown as AnyHandler;
    if (this.general.some((sub) => sub.fn === fn)) return;
    this.general = [...this.general, this.subscribe(GENERAL, fn)];
  }

  unregisterGeneral(handler: Handler<EventOf<EngineEventMap<M>>>): void {
    const fn = handler as unknown as AnyHandler;
    if (!this.general.some((sub) => sub.fn === fn)) return;
    this.unsubscribe(fn);
    this.general = this.general.filter((sub) => sub.fn !== fn);
  }

  /** Adds a middleware at the end of the chain. */
  use(middleware: Middleware<EventOf<EngineEventMap<M>>>): void {
    this.middlewares = [...this.middlewares, middleware as unknown as AnyMiddleware];
  }

  /** The last dispatched events, oldest first, optionally of one type and at most `limit` of them. */
  history(type?: string, limit = Number.POSITIVE_INFINITY): EventOf<EngineEventMap<M>>[] {
    const all: EngineEvent[] = [];
    const start = this.historyNext - this.historyCount + this.historySize;
    for (let i = 0; i < this.historyCount; i++)
      all.push(this.historyBuf[(start + i) % this.historySize] as EngineEvent);
    const matching = type === undefined ? all : all.filter((event) => event.type === type);
    const from = Math.max(0, matching.length - limit);
    return matching.slice(from) as unknown as EventOf<EngineEventMap<M>>[];
  }

  deadLetters(): DeadLetter<EventOf<EngineEventMap<M>>>[] {
    return this.deadLetterLog.toArray() as unknown as DeadLetter<EventOf<EngineEventMap<M>>>[];
  }

  /** Empties the dead-letter list and returns what it held, e.g. to put the events again. */
  takeDeadLetters(): DeadLetter<EventOf<EngineEventMap<M>>>[] {
    const taken = this.deadLetters();
    this.deadLetterLog.clear();
    return taken;
  }

  /** Resolves once nothing is queued and no handler call is in flight (only happens while started). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): EngineStats {
    const handlers: HandlerStats[] = [];
    for (const list of this.typed.values()) for (const sub of list) handlers.push(handlerStats(sub));
    for (const sub of this.general) handlers.push(handlerStats(sub));
    return {
      running: this.running,
      published: this.published,
      processed: this.processed,
      filtered: this.filtered,
      failed: this.failed,
      dropped: {
        total: this.droppedNormal + this.droppedLow,
        normal: this.droppedNormal,
        low: this.droppedLow,
      },
      overCapacity: this.overCapacity,
      queued: {
        total: this.queued(),
        critical: this.critical.length,
        normal: this.normal.length,
        low: this.low.length,
      },
      inFlight: this.inFlight,
      handlerCalls: this.handlerCalls,
      handlerTimedCalls: this.handlerTimedCalls,
      handlerTotalMs: this.handlerTotalMs,
      handlerMaxMs: this.handlerMaxMs,
      deadLetters: this.deadLetterLog.length,
      handlers,
    };
  }

  private enqueue(event: EngineEvent): boolean {
    const type = event.type;
    if (typeof type !== 'string') throw new TypeError('event.type must be a string');
    const priority = this.priority(type);
    const full = this.queued() >= this.capacity;
    if (priority === 'critical') {
      if (full && !this.evictLow()) {
        if (this.critical.length >= this.criticalLimit)
          throw new EngineOverloadedError(type, this.critical.length);
        this.overCapacity++;
      }
      this.critical.push(event);
      this.size++;
    } else if (priority === 'normal') {
      if (full && !this.evictLow()) {
        this.droppedNormal++;
        return false;
      }
      this.normal.push(event);
      this.size++;
    } else {
      if (full) {
        this.droppedLow++;
        return false;
      }
      this.low.push(event);
      this.size++;
    }
    this.published++;
    if (!this.scheduled && !this.dispatching && this.running && this.pausedBy === 0) this.schedule();
    return true;
  }

  /** Low priority goes first when the queue is full: the oldest low event makes room. */
  private evictLow(): boolean {
    if (this.low.length === 0) return false;
    this.low.shift();
    this.size--;
    this.droppedLow++;
    return true;
  }

  private priority(type: string): Priority {
    let priority = this.priorities.get(type);
    if (priority === undefined) {
      priority = this.priorityOf(type);
      // Types like vn.py's `eTick.<symbol>` are unbounded in number; so is not this cache.
      if (this.priorities.size >= PRIORITY_CACHE_LIMIT) this.priorities.clear();
      this.priorities.set(type, priority);
    }
    return priority;
  }

  private queued(): number {
    return this.size;
  }

  private schedule(): void {
    if (this.scheduled || this.queued() === 0) return;
    this.scheduled = true;
    // setImmediate, not a microtask: I/O gets its turn between batches and an idle engine costs nothing.
    setImmediate(this.runBatchBound);
  }

  private runBatch(): void {
    this.scheduled = false;
    if (this.running && this.pausedBy === 0) {
      this.dispatching = true;
      const start = performance.now();
      const sampled = this.timingMode === 'sampled';
      let count = 0;
      try {
        while (this.running && this.pausedBy === 0) {
          const event = this.critical.shift() ?? this.normal.shift() ?? this.low.shift();
          if (event === undefined) break;
          this.size--;
          // Reading the clock costs ~80 ns here; timing 1 event in 16 keeps the hot path fast.
          this.timing = sampled ? (this.timingSeq++ & 15) === 0 : this.timingMode === 'all';
          this.dispatch(event);
          if (++count >= this.batchSize) break;
          if ((count & 63) === 0 && performance.now() - start >= this.batchBudgetMs) break;
        }
      } finally {
        this.dispatching = false;
      }
      if (this.running && this.pausedBy === 0) this.schedule();
    }
    this.checkWaiters();
  }

  private dispatch(input: EngineEvent): void {
    let event = input;
    let tracker: Tracker | undefined;
    if (this.trackers.size > 0) {
      tracker = this.trackers.get(input);
      // The same object put again meanwhile is dispatched untracked.
      if (tracker !== undefined && tracker.started) tracker = undefined;
      if (tracker !== undefined) tracker.started = true;
    }
    const middlewares = this.middlewares;
    if (middlewares.length > 0) {
      const passed = this.runMiddlewares(middlewares, event, tracker);
      if (passed === null) {
        if (tracker !== undefined) {
          this.trackers.delete(input);
          tracker.finish();
        }
        return;
      }
      event = passed;
    }
    if (tracker !== undefined) this.track(input, event, tracker);
    this.processed++;
    const historySize = this.historySize;
    if (historySize > 0) {
      this.historyBuf[this.historyNext] = event;
      if (++this.historyNext === historySize) this.historyNext = 0;
      if (this.historyCount < historySize) this.historyCount++;
    }
    if (this.timing) this.clock = performance.now();
    const typed = this.typed.get(event.type);
    if (typed !== undefined) for (let i = 0; i < typed.length; i++) this.deliver(typed[i], event);
    const general = this.general;
    for (let i = 0; i < general.length; i++) this.deliver(general[i], event);
  }

  /** Counts the handler calls a tracked event is about to get; rekeys it if a middleware replaced it. */
  private track(input: EngineEvent, event: EngineEvent, tracker: Tracker): void {
    const calls = (this.typed.get(event.type)?.length ?? 0) + this.general.length;
    tracker.handlers = calls;
    tracker.pending = calls;
    this.trackers.delete(input);
    if (calls === 0) tracker.finish();
    else if (!this.trackers.has(event)) this.trackers.set(event, tracker);
    else tracker.finish(); // an enriched copy colliding with another awaited event: don't wait on it
  }

  /** One handler call for `event` is over. */
  private delivered(event: EngineEvent, failed: boolean, error: unknown): void {
    const tracker = this.trackers.get(event);
    if (tracker === undefined || !tracker.started) return;
    if (failed) tracker.errors.push(error);
    if (--tracker.pending === 0) {
      this.trackers.delete(event);
      tracker.finish();
    }
  }

  private runMiddlewares(
    middlewares: AnyMiddleware[],
    input: EngineEvent,
    tracker: Tracker | undefined,
  ): EngineEvent | null {
    let event = input;
    for (const middleware of middlewares) {
      let out: EngineEvent | null | undefined | void;
      try {
        out = middleware(event);
      } catch (error) {
        this.failed++;
        this.recordFailure(event, error, middleware.name || 'middleware', 'middleware');
        tracker?.errors.push(error);
        return null;
      }
      if (out === null) {
        this.filtered++;
        if (tracker !== undefined) tracker.filtered = true;
        return null;
      }
      if (out !== undefined) event = out;
    }
    return event;
  }

  private subscribe(type: string, fn: AnyHandler): Subscription {
    let mailbox = this.mailboxes.get(fn);
    if (mailbox === undefined) {
      mailbox = new Mailbox(this.settleBound);
      this.mailboxes.set(fn, mailbox);
    }
    mailbox.refs++;
    return new Subscription(type, fn, mailbox);
  }

  /** A mailbox still busy lives on through its promise callbacks until it has settled its backlog. */
  private unsubscribe(fn: AnyHandler): void {
    const mailbox = this.mailboxes.get(fn);
    if (mailbox !== undefined && --mailbox.refs === 0) this.mailboxes.delete(fn);
  }

  private deliver(sub: Subscription, event: EngineEvent): void {
    const mailbox = sub.mailbox;
    if (!mailbox.busy) {
      this.call(sub, event);
      return;
    }
    mailbox.events.push(event);
    mailbox.subs.push(sub);
    if (!mailbox.overLimit && mailbox.events.length >= this.maxHandlerBacklog) {
      mailbox.overLimit = true;
      this.pausedBy++;
      this.logger.warn(
        { handler: sub.name, backlog: mailbox.events.length },
        'async handler backlog full; event dispatch paused',
      );
    }
  }

  private call(sub: Subscription, event: EngineEvent): void {
    sub.calls++;
    this.handlerCalls++;
    let result: void | Promise<void>;
    try {
      result = sub.fn(event);
    } catch (error) {
      if (this.timing) this.timeSync(sub);
      this.fail(sub, event, error);
      if (this.trackers.size > 0) this.delivered(event, true, error);
      return;
    }
    if (result !== undefined && isThenable(result)) {
      // Async calls are always timed, call to settle: the promise already costs more than the clock.
      const mailbox = sub.mailbox;
      mailbox.busy = true;
      mailbox.current = event;
      mailbox.currentSub = sub;
      mailbox.startedAt = this.timing ? this.clock : performance.now();
      this.inFlight++;
      result.then(mailbox.onFulfilled, mailbox.onRejected);
      if (this.timing) this.clock = performance.now();
      return;
    }
    if (this.timing) this.timeSync(sub);
    if (this.trackers.size > 0) this.delivered(event, false, undefined);
  }

  private timeSync(sub: Subscription): void {
    const now = performance.now();
    this.addTime(sub, now - this.clock);
    this.clock = now;
  }

  private addTime(sub: Subscription, ms: number): void {
    sub.timedCalls++;
    this.handlerTimedCalls++;
    sub.totalMs += ms;
    this.handlerTotalMs += ms;
    if (ms > sub.maxMs) sub.maxMs = ms;
    if (ms > this.handlerMaxMs) this.handlerMaxMs = ms;
  }

  private settle(mailbox: Mailbox, failed: boolean, error: unknown): void {
    const event = mailbox.current as EngineEvent;
    const sub = mailbox.currentSub as Subscription;
    this.addTime(sub, performance.now() - mailbox.startedAt);
    mailbox.current = undefined;
    mailbox.currentSub = undefined;
    mailbox.busy = false;
    this.inFlight--;
    if (failed) this.fail(sub, event, error);
    if (this.trackers.size > 0) this.delivered(event, failed, error);
    // The next waiting event goes to this handler only now: one at a time, in dispatch order.
    while (!mailbox.busy && mailbox.events.length > 0) {
      this.timing = true;
      this.clock = performance.now();
      this.call(mailbox.subs.shift() as Subscription, mailbox.events.shift() as EngineEvent);
    }
    if (mailbox.overLimit && mailbox.events.length <= this.maxHandlerBacklog >> 1) {
      mailbox.overLimit = false;
      this.pausedBy--;
      if (this.pausedBy === 0 && this.running && !this.dispatching) this.schedule();
    }
    this.checkWaiters();
  }

  private fail(sub: Subscription, event: EngineEvent, error: unknown): void {
    sub.failures++;
    this.failed++;
    this.recordFailure(event, error, sub.name, 'handler');
  }

  private recordFailure(
    event: EngineEvent,
    error: unknown,
    name: string,
    stage: 'handler' | 'middleware',
  ): void {
    this.logger.error({ err: error, eventType: event.type, handler: name, stage }, 'event handler failed');
    if (this.deadLetterSize === 0) return;
    if (this.deadLetterLog.length >= this.deadLetterSize) this.deadLetterLog.shift();
    this.deadLetterLog.push({ event, error, handler: name, stage, at: this.now() });
  }

  private onTimer(): void {
    const event: TimerEvent = {
      type: TIMER,
      data: { intervalMs: this.timerIntervalMs, seq: ++this.timerSeq, ts: this.now() },
    };
    this.enqueue(event);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.queued() === 0;
  }

  private settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private checkWaiters(): void {
    if (this.inFlight !== 0) return;
    if (this.settledWaiters.length > 0) {
      const waiters = this.settledWaiters;
      this.settledWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (this.idleWaiters.length > 0 && this.queued() === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<void> {
  return typeof (value as { then?: unknown }).then === 'function';
}

function handlerStats(sub: Subscription): HandlerStats {
  return {
    type: sub.type,
    handler: sub.name,
    calls: sub.calls,
    timedCalls: sub.timedCalls,
    failures: sub.failures,
    backlog: sub.mailbox.events.length,
    totalMs: sub.totalMs,
    maxMs: sub.maxMs,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function count(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}
