/**
 * The least an event must carry. Envelopes from @fillwire/events fit as they are; the engine reads
 * only `type` and passes the object through untouched.
 */
export interface EngineEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/** Event type → event shape. `register('order.updated', h)` gives `h` the shape under that key. */
export type EventMap<M> = { [K in keyof M]: EngineEvent };

/** The map used when none is given: any type, any data. */
export type AnyEventMap = Record<string, EngineEvent>;

/**
 * Builds a map from payloads: `EventMapOf<{ 'order.updated': CanonicalOrder }, EnvelopeMeta>` gives
 * `{ 'order.updated': EnvelopeMeta & { type: 'order.updated'; data: CanonicalOrder } }`.
 */
export type EventMapOf<Payloads, Base = unknown> = {
  [K in keyof Payloads & string]: Base & EngineEvent<K, Payloads[K]>;
};

export const TIMER = 'timer';

/** Put by the engine every `timerIntervalMs` while started (vn.py's EVENT_TIMER); data fits the catalogue's `timer`. */
export type TimerEvent = EngineEvent<
  typeof TIMER,
  { readonly intervalMs: number; readonly seq: number; readonly ts: number }
>;

/** The events an engine over map M carries: M's, plus its own timer events. */
export type EngineEventMap<M> = Omit<M, typeof TIMER> & { [TIMER]: TimerEvent };
export type EventOf<M> = M[keyof M];

/**
 * A handler may be sync or async. Sync handlers run inline; an async one is awaited before the same
 * function gets its next event, whatever type that is (see README).
 */
export type Handler<E> = (event: E) => void | Promise<void>;

/**
 * Runs before dispatch, in the order added. Return nothing to pass the event on unchanged, an event to
 * replace it (enrich), or `null` to drop it. Sync on purpose: the hot path stays free of promises.
 */
export type Middleware<E> = (event: E) => E | null | undefined | void;

export type Priority = 'critical' | 'normal' | 'low';
export type PriorityResolver = (type: string) => Priority;

/** Structural subset of pino's logger, so a pino instance can be passed as is. */
export interface EngineLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EventEngineOptions {
  /** Timer period in ms; 0 turns timer events off. Default 1,000 (vn.py's 1 s). */
  timerIntervalMs?: number;
  /** Max events queued across normal and low priority; critical may exceed it (README). Default 100,000. */
  capacity?: number;
  /** Critical events queued beyond which `put` throws EngineOverloadedError. Default 10 × capacity. */
  criticalLimit?: number;
  /** Events dispatched per macrotask before yielding to I/O. Default 4,096. */
  batchSize?: number;
  /** Time budget per macrotask before yielding to I/O, in ms. Default 5. */
  batchBudgetMs?: number;
  /** Events waiting for one busy async handler function before the engine pauses dispatch. Default 10,000. */
  maxHandlerBacklog?: number;
  /** Last events kept for `history()`; 0 keeps none. Default 1,000. */
  historySize?: number;
  /** Failures kept for `deadLetters()`. Default 1,000. */
  deadLetterSize?: number;
  /**
   * Which handler calls are timed for stats: `sampled` (default) times the calls of 1 event in 16, as
   * reading the clock costs about as much as dispatching; `all` gives exact totals; async calls are
   * always timed.
   */
  handlerTiming?: 'all' | 'sampled' | 'off';
  priorityOf?: PriorityResolver;
  logger?: EngineLogger;
  /** Wall clock for timer and dead-letter timestamps (tests). Default Date.now. */
  now?: () => number;
}

/** What `putAndWait` resolves with. */
export interface DeliveryReport {
  /** False when a full queue refused the event (never for critical events). */
  readonly accepted: boolean;
  /** A middleware dropped it on purpose. */
  readonly filtered: boolean;
  /** Handler calls it got. */
  readonly handlers: number;
  /** What its failing handlers or middleware threw (each is also dead-lettered). */
  readonly errors: readonly unknown[];
}

export interface DeadLetter<E> {
  readonly event: E;
  readonly error: unknown;
  /** The handler's function name, or `middleware`. */
  readonly handler: string;
  readonly stage: 'handler' | 'middleware';
  readonly at: number;
}

export interface HandlerStats {
  readonly type: string;
  readonly handler: string;
  readonly calls: number;
  /** Calls whose duration is in totalMs/maxMs (see `handlerTiming`). */
  readonly timedCalls: number;
  readonly failures: number;
  /** Events waiting for this (async) handler function to finish its current one. */
  readonly backlog: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

export interface EngineStats {
  readonly running: boolean;
  /** Events accepted by `put` (timer events included). */
  readonly published: number;
  /** Events that reached dispatch (passed the middleware chain). */
  readonly processed: number;
  /** Events a middleware dropped on purpose. */
  readonly filtered: number;
  /** Handler and middleware failures. */
  readonly failed: number;
  /** Events refused or evicted because the queue was full, per priority; critical is always 0. */
  readonly dropped: { readonly total: number; readonly normal: number; readonly low: number };
  /** Critical events accepted while the queue was at capacity. */
  readonly overCapacity: number;
  readonly queued: {
    readonly total: number;
    readonly critical: number;
    readonly normal: number;
    readonly low: number;
  };
  /** Async handler calls not yet settled. */
  readonly inFlight: number;
  readonly handlerCalls: number;
  readonly handlerTimedCalls: number;
  readonly handlerTotalMs: number;
  readonly handlerMaxMs: number;
  readonly deadLetters: number;
  readonly handlers: readonly HandlerStats[];
}

export interface StopOptions {
  /** Dispatch everything queued (and anything handlers put meanwhile) before stopping. Default false. */
  drain?: boolean;
}
