import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';

/** Every error as OpenAlgo shapes it: `{status: "error", message}` with the HTTP status. */
@Catch(HttpException)
export class OpenAlgoExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = exception.getStatus();
    const body = exception.getResponse();
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const message = typeof record.message === 'string' ? record.message : typeof body === 'string' ? body : exception.message;
    if (status === 429) res.setHeader('Retry-After', String(typeof record.retryAfter === 'number' ? record.retryAfter : 1));
    res.status(status).json({ status: 'error', message });
  }
}
