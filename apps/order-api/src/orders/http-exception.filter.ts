import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';

/** Our error bodies as they are, plus `Retry-After` on 429 (from the body's `retryAfter`). */
@Catch(HttpException)
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = exception.getStatus();
    const body = exception.getResponse();
    if (typeof body === 'object' && body !== null && 'retryAfter' in body && typeof body.retryAfter === 'number') {
      response.setHeader('Retry-After', String(body.retryAfter));
    } else if (status === 429) {
      response.setHeader('Retry-After', '1');
    }
    response.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
  }
}
