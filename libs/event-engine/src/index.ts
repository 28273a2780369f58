export { EventEngine } from './event-engine';
export { EngineOverloadedError } from './engine-overloaded-error';
export { defaultPriorityOf } from './priority-resolver';
export { RingQueue } from './ring-queue';
export { TIMER } from './event-engine.types';
export type {
  AnyEventMap,
  DeadLetter,
  DeliveryReport,
  EngineEvent,
  EngineEventMap,
  EngineLogger,
  EngineStats,
  EventEngineOptions,
  EventMap,
  EventMapOf,
  EventOf,
  Handler,
  HandlerStats,
  Middleware,
  Priority,
  PriorityResolver,
  StopOptions,
  TimerEvent,
} from './event-engine.types';
