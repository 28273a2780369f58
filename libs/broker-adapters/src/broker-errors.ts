import type { Broker } from '@fillwire/events';

/**
 * Typed broker failures, so callers decide by kind, not by message. A small family kept in one file
 * (an exception to one-class-per-file): they are only meaningful together. Every error carries the
 * broker's own message.
 */
export abstract class BrokerError extends Error {
  abstract readonly kind: 'input' | 'auth' | 'rate-limit' | 'unavailable' | 'timeout';
  /** The HTTP status our API should answer with. */
  abstract readonly httpStatus: number;

  constructor(
    readonly broker: Broker,
    /** The broker's message, verbatim. */
    readonly brokerMessage: string,
    /** The broker's error class (Kite `error_type`, XTS `code`), when it gave one. */
    readonly brokerCode: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(`${broker}: ${brokerMessage}`, options);
    this.name = new.target.name;
  }
}

/** The user's request is wrong (bad params, insufficient funds, unknown order): 4xx, do not retry. */
export class BrokerInputError extends BrokerError {
  readonly kind = 'input' as const;
  readonly httpStatus = 400;
}

/** Session expired or invalid: log in again. */
export class BrokerAuthError extends BrokerError {
  readonly kind = 'auth' as const;
  readonly httpStatus = 401;
}

/** The broker throttled us (429): wait and retry; not a failure of the order. */
export class BrokerRateLimitError extends BrokerError {
  readonly kind = 'rate-limit' as const;
  readonly httpStatus = 429;
}

/** The broker could not be reached or failed (5xx, network, unparsable reply): 502/503. */
export class BrokerUnavailableError extends BrokerError {
  readonly kind = 'unavailable' as const;
  readonly httpStatus = 503;
}

/**
 * No answer in time to a write: the order may or may not have been placed. Callers must reconcile
 * (order book by tag) before retrying, never blindly resend.
 */
export class BrokerTimeoutError extends BrokerError {
  readonly kind = 'timeout' as const;
  readonly httpStatus = 504;
}

export function isBrokerError(error: unknown): error is BrokerError {
  return error instanceof BrokerError;
}
