import {
  BrokerAuthError,
  BrokerInputError,
  BrokerRateLimitError,
  BrokerTimeoutError,
  BrokerUnavailableError,
} from './broker-errors';
import { kitePostbackChecksum, kiteSessionChecksum, verifyKitePostbackChecksum } from './kite/kite-checksum';
import { isKiteClientError, toKiteError } from './kite/kite-errors';
import { hostLookupXtsEndpoints, standardXtsEndpoints } from './xts/xts-endpoints';

describe('Kite client failures → typed errors', () => {
  it.each([
    [
      { status: 'error', error_type: 'TokenException', message: 'Incorrect `api_key` or `access_token`.' },
      'read',
      BrokerAuthError,
      401,
    ],
    [
      { status: 'error', error_type: 'InputException', message: 'Invalid `quantity`.' },
      'write',
      BrokerInputError,
      400,
    ],
    [
      { status: 'error', error_type: 'MarginException', message: 'Insufficient funds.' },
      'write',
      BrokerInputError,
      400,
    ],
    [
      { status: 'error', error_type: 'NetworkException', message: 'Too many requests' },
      'write',
      BrokerRateLimitError,
      429,
    ],
    [
      { error_type: 'NetworkException', message: 'No response from server with error code: ECONNABORTED' },
      'write',
      BrokerTimeoutError,
      504,
    ],
    [
      { error_type: 'NetworkException', message: 'No response from server with error code: ECONNABORTED' },
      'read',
      BrokerUnavailableError,
      503,
    ],
    [
      { error_type: 'NetworkException', message: 'No response from server with error code: ECONNREFUSED' },
      'write',
      BrokerUnavailableError,
      503,
    ],
    [
      { error_type: 'DataException', message: 'Unknown content type (text/html) with response: (<html>)' },
      'read',
      BrokerUnavailableError,
      503,
    ],
    [
      { status: 'error', error_type: 'GeneralException', message: "Couldn't find that `order_id`." },
      'write',
      BrokerInputError,
      400,
    ],
    [
      { status: 'error', error_type: 'GeneralException', message: 'Internal error.' },
      'read',
      BrokerUnavailableError,
      503,
    ],
    [new Error('socket hang up'), 'read', BrokerUnavailableError, 503],
  ] as const)('%j on %s → %p', (error, operation, type, status) => {
    const mapped = toKiteError(error, operation);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.httpStatus).toBe(status);
    expect(mapped.broker).toBe('zerodha');
    expect(mapped.brokerMessage).toBe(error instanceof Error ? error.message : error.message);
  });

  it('spots the DataException the client resolves with, not a normal reply', () => {
    expect(isKiteClientError({ error_type: 'DataException', message: 'Unknown content type' })).toBe(true);
    expect(isKiteClientError({ order_id: '1' })).toBe(false);
    expect(isKiteClientError([{ order_id: '1' }])).toBe(false);
  });
});

describe('Kite checksums', () => {
  it('match the test vectors of brokers.md', () => {
    expect(kiteSessionChecksum('my_api_key', 'my_request_token', 'my_api_secret')).toBe(
      '9d183880c6b1b8cbef59720852c4b880eefc4de66027736a55bc5c51fcdc7464',
    );
    expect(kitePostbackChecksum('220303000308932', '2022-03-03 09:24:25', 'test_api_secret')).toBe(
      '921a4c1420e9e07eaa8152e0964693f0656a0c5ce049f187ac3cc475d622aa36',
    );
  });

  it('verifies a postback in constant time and refuses a wrong or missing one', () => {
    const payload = { order_id: '220303000308932', order_timestamp: '2022-03-03 09:24:25' };
    const checksum = kitePostbackChecksum(payload.order_id, payload.order_timestamp, 's');
    expect(verifyKitePostbackChecksum({ ...payload, checksum }, 's')).toBe(true);
    expect(verifyKitePostbackChecksum({ ...payload, checksum }, 'other')).toBe(false);
    expect(verifyKitePostbackChecksum({ ...payload, checksum: '' }, 's')).toBe(false);
    expect(verifyKitePostbackChecksum(payload, 's')).toBe(false);
  });
});

describe('XTS endpoints', () => {
  it('standard: REST under /interactive, socket at /interactive/socket.io', () => {
    expect(standardXtsEndpoints('https://jtrade.jainam.in:5000')).toEqual({
      origin: 'https://jtrade.jainam.in:5000',
      restBase: 'https://jtrade.jainam.in:5000/interactive',
      socketPath: '/interactive/socket.io',
    });
  });

  it('hostlookup: routes off the connectionString, socket path from its first segment', () => {
    expect(hostLookupXtsEndpoints('http://ctrade.jainam.in:4100/dealerinteractive/')).toEqual({
      origin: 'http://ctrade.jainam.in:4100',
      restBase: 'http://ctrade.jainam.in:4100/dealerinteractive',
      socketPath: '/dealerinteractive/socket.io',
    });
  });
});
