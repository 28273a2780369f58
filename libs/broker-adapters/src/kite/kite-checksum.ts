import { createHash, timingSafeEqual } from 'node:crypto';

/** Postback checksum: hex SHA-256 of order_id + order_timestamp (verbatim) + api_secret (brokers.md §1.9). */
export function kitePostbackChecksum(orderId: string, orderTimestamp: string, apiSecret: string): string {
  return createHash('sha256')
    .update(orderId + orderTimestamp + apiSecret)
    .digest('hex');
}

/** Constant-time comparison of a received checksum with the expected one. */
export function verifyKitePostbackChecksum(
  payload: { order_id?: unknown; order_timestamp?: unknown; checksum?: unknown },
  apiSecret: string,
): boolean {
  const { order_id, order_timestamp, checksum } = payload;
  if (typeof order_id !== 'string' || typeof order_timestamp !== 'string' || typeof checksum !== 'string')
    return false;
  const expected = Buffer.from(kitePostbackChecksum(order_id, order_timestamp, apiSecret), 'utf8');
  const given = Buffer.from(checksum.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Session checksum: hex SHA-256 of api_key + request_token + api_secret. */
export function kiteSessionChecksum(apiKey: string, requestToken: string, apiSecret: string): string {
  return createHash('sha256')
    .update(apiKey + requestToken + apiSecret)
    .digest('hex');
}
