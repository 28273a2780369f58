import {
  BrokerAuthError,
  BrokerError,
  BrokerInputError,
  BrokerRateLimitError,
  BrokerTimeoutError,
  BrokerUnavailableError,
} from '../broker-errors';
import { isRecord } from '../parsing/safe';

const INPUT_TYPES = new Set([
  'InputException',
  'OrderException',
  'MarginException',
  'HoldingException',
  'UserException',
  'PermissionException',
]);
/** Network failures after which a write may have reached the OMS. */
const AMBIGUOUS =
  /error code: (ECONNABORTED|ETIMEDOUT|ECONNRESET|EPIPE|ERR_SOCKET_CONNECTION_TIMEOUT)\b|timeout/i;

/**
 * What kiteconnect rejects (or, for non-JSON replies, resolves) with → our typed error. The client
 * drops the HTTP status, so a 429 is recognised by its message; for writes, a network failure after
 * sending is ambiguous (BrokerTimeoutError), before connecting it is not.
 */
export function toKiteError(error: unknown, operation: 'read' | 'write'): BrokerError {
  if (error instanceof BrokerError) return error;
  const body = isRecord(error) ? error : {};
  const errorType = typeof body.error_type === 'string' ? body.error_type : null;
  const message =
    typeof body.message === 'string'
      ? body.message
      : error instanceof Error
        ? error.message
        : 'unknown Kite error';
  if (errorType === 'TokenException')
    return new BrokerAuthError('zerodha', message, errorType, { cause: error });
  if (errorType !== null && INPUT_TYPES.has(errorType))
    return new BrokerInputError('zerodha', message, errorType, { cause: error });
  // Kite answers an unknown order with GeneralException + 404; the client hides the status, the text remains.
  if (errorType === 'GeneralException' && /couldn.t find|not found|does not exist/i.test(message)) {
    return new BrokerInputError('zerodha', message, errorType, { cause: error });
  }
  if (/too many requests|rate limit/i.test(message))
    return new BrokerRateLimitError('zerodha', message, errorType, { cause: error });
  if (operation === 'write' && AMBIGUOUS.test(message)) {
    return new BrokerTimeoutError('zerodha', message, errorType, { cause: error });
  }
  return new BrokerUnavailableError('zerodha', message, errorType ?? 'NetworkException', { cause: error });
}

/** kiteconnect resolves `{error_type:"DataException"}` for a non-JSON reply: that is a failure. */
export function isKiteClientError(value: unknown): value is { error_type: string; message?: unknown } {
  return (
    isRecord(value) && typeof value.error_type === 'string' && !('order_id' in value && 'status' in value)
  );
}
