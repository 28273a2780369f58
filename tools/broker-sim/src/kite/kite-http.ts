import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

export type KiteErrorType =
  | 'TokenException'
  | 'InputException'
  | 'OrderException'
  | 'GeneralException'
  | 'NetworkException'
  | 'PermissionException';

/**
 * Kite always answers `Content-Type: application/json` (no charset): the official JS client only
 * rejects error bodies it recognises as JSON, so this header is part of the contract.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function kiteSuccess(res: Response, data: unknown): void {
  sendJson(res, 200, { status: 'success', data });
}

export function kiteError(res: Response, status: number, errorType: KiteErrorType, message: string): void {
  sendJson(res, status, { status: 'error', message, data: null, error_type: errorType });
}

/**
 * A CSV dump (the instrument master): `Content-Type: text/csv` exactly, since kiteconnect only parses
 * on that exact value, and gzipped when the client accepts it, as Kite serves it.
 */
export function sendCsv(req: Request, res: Response, text: string): void {
  const gzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
  const body = gzip ? gzipSync(text) : Buffer.from(text);
  res.status(200);
  res.setHeader('Content-Type', 'text/csv');
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.byteLength);
  res.end(body);
}
