import type { HttpAdapterHost } from '@nestjs/core';
import { preciseNow } from '@fillwire/events';
import express, { type NextFunction, type Request, type Response } from 'express';

export const POSTBACK_PATH = '/zerodha/postback';
/** Kite order payloads are a few KiB; anything beyond this is refused before it is read. */
export const POSTBACK_BODY_LIMIT = 64 * 1024;

/** What the route-level parser leaves on the request. */
export interface PostbackRequest extends Request {
  /** Epoch ms (sub-ms fraction) when the request reached us, before its body was read. */
  fillwireReceivedAt?: number;
}

export type RawBodyRejection = 'too-large' | 'unreadable';

/**
 * Installs a raw parser on the postback route ahead of Nest's global JSON parser (which then skips
 * the request, its body being read): the checksum is over fields of the exact bytes Kite sent, and
 * the size limit applies before anything is parsed. Runs while the app is being created, which is
 * before Nest registers its own parsers.
 */
export function installPostbackRawBody(
  host: HttpAdapterHost,
  onRejected: (reason: RawBodyRejection) => void,
): void {
  const parse = express.raw({ type: () => true, limit: POSTBACK_BODY_LIMIT });
  host.httpAdapter.use(POSTBACK_PATH, (req: PostbackRequest, res: Response, next: NextFunction) => {
    req.fillwireReceivedAt = preciseNow();
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const tooLarge = (err as { type?: string }).type === 'entity.too.large';
      onRejected(tooLarge ? 'too-large' : 'unreadable');
      const status = tooLarge ? 413 : 400;
      const message = tooLarge
        ? `body larger than ${POSTBACK_BODY_LIMIT} bytes`
        : `unreadable body: ${(err as Error).message}`;
      res.status(status).json({ status: 'error', message });
    });
  });
}
