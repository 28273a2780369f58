export { EventBusModule, type EventBusModuleAsyncOptions } from './event-bus.module';
export {
  expandEventTypes,
  type ConsumeOptions,
  type EventBusModuleOptions,
  type EventTypePattern,
  type FillwireEventMap,
  type ResolvedEventBusOptions,
} from './event-bus-options';
export { EVENT_BUS_OPTIONS } from './event-bus.tokens';
export { OnEvent } from './on-event';
export { AdminTokenGuard } from './admin-token.guard';
export { unhandledTypes } from './handler-coverage';
export { ManagedJobQueues } from './managed-job-queues';
export { nestBusLogger } from './nest-bus-logger';
