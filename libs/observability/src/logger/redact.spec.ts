import { REDACTED, isSecretKey, redactSecrets, redactUrl } from './redact';

describe('redaction', () => {
  it('recognises credential field names in any spelling, but not market data', () => {
    for (const key of [
      'authorization',
      'Authorization',
      'apikey',
      'api_key',
      'apiKey',
      'x-api-key',
      'KITE_API_KEY',
      'KITE_API_SECRET',
      'XTS_SECRET_KEY',
      'XTS_APP_KEY',
      'FILLWIRE_DEMO_API_KEY',
      'access_token',
      'accessToken',
      'token',
      'checksum',
      'password',
      'newPassword',
      'secretKey',
    ]) {
      expect([key, isSecretKey(key)]).toEqual([key, true]);
    }
    for (const key of ['instrument_token', 'order_id', 'tradingsymbol', 'status', 'user_id', 'key']) {
      expect([key, isSecretKey(key)]).toEqual([key, false]);
    }
  });

  it('redacts nested plain objects and arrays without touching the original', () => {
    const input = {
      orderId: '1',
      headers: { authorization: 'Bearer abc', 'user-agent': 'x' },
      users: [{ apikey: 'k1', name: 'demo' }],
      payload: { checksum: 'c', data: { access_token: 't', instrument_token: 779521 } },
    };
    const copy = structuredClone(input);
    expect(redactSecrets(input)).toEqual({
      orderId: '1',
      headers: { authorization: REDACTED, 'user-agent': 'x' },
      users: [{ apikey: REDACTED, name: 'demo' }],
      payload: { checksum: REDACTED, data: { access_token: REDACTED, instrument_token: 779521 } },
    });
    expect(input).toEqual(copy);
  });

  it('returns the same object when nothing needs redacting', () => {
    const input = { a: 1, b: { c: [1, 2] } };
    expect(redactSecrets(input)).toBe(input);
  });

  it('leaves class instances alone (pino serializes errors and requests itself)', () => {
    const err = Object.assign(new Error('boom'), { token: 'x' });
    expect(redactSecrets({ err }).err).toBe(err);
  });

  it('redacts secret query parameters in URLs', () => {
    expect(redactUrl('/ws?token=abc&lastEventId=5')).toBe('/ws?token=%5Bredacted%5D&lastEventId=5');
    expect(redactUrl('/api/v1/orderbook?apikey=k')).toBe('/api/v1/orderbook?apikey=%5Bredacted%5D');
    expect(redactUrl('/v1/orders?status=OPEN')).toBe('/v1/orders?status=OPEN');
    expect(redactUrl('/health')).toBe('/health');
  });
});
