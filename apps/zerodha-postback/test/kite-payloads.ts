import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kitePostbackChecksum } from '@fillwire/broker-adapters';

export const KITE_FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'kite');

/** `data` of a Kite fixture file (`{status, data}`). */
export function kiteFixture<T = unknown>(file: string): T {
  return (JSON.parse(readFileSync(join(KITE_FIXTURES, file), 'utf8')) as { data: T }).data;
}

/** A postback body as Kite sends it: an order row plus user_id, unfilled_quantity, app_id and checksum. */
export function postbackOf(
  row: Record<string, unknown>,
  userId: string,
  secret: string | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...row,
    user_id: userId,
    unfilled_quantity: row.pending_quantity ?? 0,
    app_id: 1234,
    ...extra,
  };
  body.checksum =
    secret === null ? '' : kitePostbackChecksum(String(body.order_id), String(body.order_timestamp), secret);
  return body;
}

/** A complete SBIN order update for `userId`, with a checksum under `secret`. */
export function samplePostback(
  userId: string,
  secret: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return postbackOf(
    {
      placed_by: userId,
      order_id: '2042130686722629633',
      exchange_order_id: '1300000001234567',
      parent_order_id: null,
      status: 'COMPLETE',
      status_message: null,
      status_message_raw: null,
      order_timestamp: '2026-01-01 09:45:10',
      exchange_update_timestamp: '2026-01-01 09:45:11',
      exchange_timestamp: '2026-01-01 09:45:11',
      variety: 'regular',
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      instrument_token: 779521,
      order_type: 'MARKET',
      transaction_type: 'BUY',
      validity: 'DAY',
      product: 'MIS',
      quantity: 10,
      disclosed_quantity: 0,
      price: 0,
      trigger_price: 0,
      average_price: 812.35,
      filled_quantity: 10,
      pending_quantity: 0,
      cancelled_quantity: 0,
      market_protection: 0,
      meta: {},
      tag: null,
      guid: 'guid-1',
      ...overrides,
    },
    userId,
    secret,
  );
}
