/**
 * Thrown by `put` when even the critical queue is past its limit. Critical events are never dropped
 * silently: the caller learns the event was not accepted (a bus consumer then leaves it unacked and
 * it is redelivered).
 */
export class EngineOverloadedError extends Error {
  constructor(
    readonly eventType: string,
    readonly queued: number,
  ) {
    super(`event engine overloaded: ${queued} critical events queued, refused ${eventType}`);
    this.name = 'EngineOverloadedError';
  }
}
