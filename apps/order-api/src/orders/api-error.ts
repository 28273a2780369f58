import { HttpException } from '@nestjs/common';
import { BrokerError, BrokerUnavailableError } from '@fillwire/broker-adapters';
import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/** 400 listing every bad field. */
export function validationError(error: z.ZodError, what = 'request body'): HttpException {
  const issues = fieldIssues(error);
  return new HttpException(
    {
      statusCode: 400,
      error: 'Bad Request',
      message: `invalid ${what}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    },
    400,
  );
}

export function notFound(message: string): HttpException {
  return new HttpException({ statusCode: 404, error: 'Not Found', message }, 404);
}

export function tooManyRequests(message: string, retryAfterSeconds: number): HttpException {
  return new HttpException({ statusCode: 429, error: 'Too Many Requests', message, retryAfter: retryAfterSeconds }, 429);
}

/**
 * A broker failure as our reply, the broker's message kept: its refusal of the user's request is a
 * 400, its throttling 429, our session with it 502, its outage 503 (502 for an unusable reply), an
 * ambiguous timeout 504.
 */
export function brokerHttpError(error: BrokerError): HttpException {
  let status: number;
  switch (error.kind) {
    case 'input':
      status = 400;
      break;
    case 'rate-limit':
      status = 429;
      break;
    case 'auth':
      status = 502;
      break;
    case 'unavailable':
      status = error instanceof BrokerUnavailableError && error.brokerCode === 'DataException' ? 502 : 503;
      break;
    case 'timeout':
      status = 504;
      break;
  }
  const label: Record<number, string> = { 400: 'Broker Rejected', 429: 'Too Many Requests', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return new HttpException(
    {
      statusCode: status,
      error: label[status],
      message: error.brokerMessage,
      broker: error.broker,
      brokerCode: error.brokerCode,
      ...(status === 429 ? { retryAfter: 1 } : {}),
    },
    status,
  );
}
