import type { Response } from 'express';

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
