export { busKeys, assertPrefix, assertGroupName, entryIdTime, isEntryId, type BusKeys } from './bus-keys';
export { compileFilter, type EventFilter, type EnvelopePredicate } from './event-filter';
export {
  parseRetention,
  RetentionSchema,
  DEFAULT_RETENTION,
  PublisherOptionsSchema,
  ConsumerOptionsSchema,
  type Retention,
  type PublisherOptions,
  type ConsumerOptions,
} from './bus-options.schema';
export { BusUnavailableError } from './bus-unavailable.error';
export { type BusLogger } from './bus-logger';
export { BusMetrics } from './bus-metrics';
export { EventPublisher, type PublishResult } from './event-publisher';
export {
  EventConsumer,
  type EventConsumerOptions,
  type EventHandler,
  type HandlerContext,
} from './event-consumer';
export { EventReader, type ReadOptions, type StreamEvent } from './event-reader';
export { LagMonitor, type GroupLag, type LogStatus } from './lag-monitor';
export {
  BusAdminService,
  type EventDeadLetter,
  type FailedJob,
  type ReplayResult,
} from './bus-admin.service';
export { parseDeadLetterRef, type DeadLetterRef } from './dead-letter-ref';
export { JobQueues, DEFAULT_JOB_OPTIONS, type JobQueuesOptions, type WorkerSettings } from './job-queues';
export { assertQueueName, jobId } from './job-names';
export {
  describeRedisUrl,
  redisOptionsFromUrl,
  producerRedisOptions,
  consumerRedisOptions,
} from './redis-connection';
export { EventBusBridge, type BridgeEngine, type BridgePublisher } from './event-bus-bridge';
export * from './nest';
