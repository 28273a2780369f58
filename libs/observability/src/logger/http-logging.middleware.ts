import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import pinoHttp, { type HttpLogger } from 'pino-http';
import { PINO_LOGGER } from '../observability-tokens';
import { httpLoggingOptions } from './http-logging';

/** One log line per request (see httpLoggingOptions), as Nest middleware for every route. */
@Injectable()
export class HttpLoggingMiddleware implements NestMiddleware {
  private readonly http: HttpLogger;

  constructor(@Inject(PINO_LOGGER) logger: Logger) {
    this.http = pinoHttp(httpLoggingOptions(logger));
  }

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    this.http(req, res, next);
  }
}
