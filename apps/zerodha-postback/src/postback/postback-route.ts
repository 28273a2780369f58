import type { ServerResponse } from 'node:http';
import type { HttpAdapterHost } from '@nestjs/core';
import { preciseNow } from '@fillwire/events';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { PostbackReply } from './postback.schema';

export const POSTBACK_PATH = '/zerodha/postback';
/** Kite order payloads are a few KiB; anything beyond this is refused before it is read. */
export const POSTBACK_BODY_LIMIT = 64 * 1024;

export type RawBodyRejection = 'too-large' | 'unreadable';

/** What the route does with a request; PostbackService and IngestMetrics in the app. */
export interface PostbackRouteHandlers {
  /** The reply for a raw body read at `receivedAt` (epoch ms, sub-ms fraction). */
  receive(raw: Buffer, receivedAt: number): Promise<PostbackReply>;
  /** The body could not be read (413 or 400 answered). */
  rejected(reason: RawBodyRejection): void;
  /** Every answer, by HTTP status: this route's request count (it writes no per-request log line). */
  answered(status: number): void;
  /** `receive` failed unexpectedly: 500 answered; the handler logs it. */
  failed(error: unknown): void;
}

/**
 * `POST /zerodha/postback`, answered at the front of the Express stack, installed while the app is
 * created (before Nest adds its body parsers, request logging and router). The hot path then costs
 * one raw read, the service's work and one write: no JSON body parser (the checksum is over fields
 * of the exact bytes Kite sent, and the size limit applies before anything is parsed), no per-request
 * log line (counted in `answered` instead; errors are still logged), no Nest routing. Other methods
 * and paths fall through to Nest (404).
 */
export function installPostbackRoute(host: HttpAdapterHost, handlers: PostbackRouteHandlers): void {
  const inflating = express.raw({ type: () => true, limit: POSTBACK_BODY_LIMIT });
  // Plain bodies (what Kite sends) are read directly; a compressed one goes through body-parser.
  const parse = (req: Request, res: Response, done: (err?: unknown) => void): void => {
    const encoding = req.headers['content-encoding'];
    if (encoding === undefined || encoding.toLowerCase() === 'identity') readPlainBody(req, done);
    else inflating(req, res, done);
  };
  const send = (res: ServerResponse, status: number, body: PostbackReply['body']): void => {
    const json = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
    handlers.answered(status);
  };
  host.httpAdapter.use(POSTBACK_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || req.path !== '/') return next();
    const receivedAt = preciseNow();
    parse(req, res, (err?: unknown) => {
      if (err) {
        const tooLarge = (err as { type?: string }).type === 'entity.too.large';
        handlers.rejected(tooLarge ? 'too-large' : 'unreadable');
        const message = tooLarge
          ? `body larger than ${POSTBACK_BODY_LIMIT} bytes`
          : `unreadable body: ${(err as Error).message}`;
        return send(res, tooLarge ? 413 : 400, { status: 'error', message });
      }
      const body: unknown = req.body;
      handlers.receive(Buffer.isBuffer(body) ? body : Buffer.alloc(0), receivedAt).then(
        (reply) => send(res, reply.httpStatus, reply.body),
        (error: unknown) => {
          handlers.failed(error);
          send(res, 500, { status: 'error', message: 'internal error' });
        },
      );
    });
  });
}

type BodyError = Error & { type?: string };

function tooLargeError(): BodyError {
  return Object.assign(new Error('request entity too large'), { type: 'entity.too.large' });
}

/**
 * Reads an uncompressed body into `req.body` (a Buffer), at most POSTBACK_BODY_LIMIT bytes: a larger
 * one (declared or streamed) is read to its end and dropped, so the connection stays usable, and
 * fails as `entity.too.large` like body-parser's.
 */
function readPlainBody(req: Request, done: (err?: unknown) => void): void {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  let tooLarge = declared > POSTBACK_BODY_LIMIT;
  const chunks: Buffer[] = [];
  let length = 0;
  let finished = false;
  const finish = (err?: unknown): void => {
    if (finished) return;
    finished = true;
    req.off('data', onData);
    if (err) return done(err);
    req.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length);
    done();
  };
  const onData = (chunk: Buffer): void => {
    if (tooLarge) return;
    length += chunk.length;
    if (length > POSTBACK_BODY_LIMIT) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.once('end', () => finish(tooLarge ? tooLargeError() : undefined));
  req.once('error', (err) => finish(err));
  req.once('aborted', () => finish(new Error('request aborted')));
}
