import { sessionChecksum } from './kite-format';
import { KiteSessionStore, REQUEST_TOKEN_TTL_MS } from './kite-session.store';

const KEY = 'kite-demo';
const SECRET = 'demo-secret';

describe('KiteSessionStore request tokens', () => {
  let now: number;
  let store: KiteSessionStore;
  const exchange = (token: string) => store.login(KEY, token, sessionChecksum(KEY, token, SECRET));

  beforeEach(() => {
    now = Date.UTC(2025, 2, 10, 4, 0, 0);
    store = new KiteSessionStore(KEY, SECRET, undefined, () => now);
  });

  it('exchanges an issued token once, for the user it was issued to', () => {
    const token = store.issueRequestToken('CD5678');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const first = exchange(token!);
    expect(first).toMatchObject({ ok: true, user: { userId: 'CD5678' }, session: { userId: 'CD5678' } });
    expect(exchange(token!)).toEqual({ ok: false, message: 'Token is invalid or has expired.' });
  });

  it('keeps an issued token through a bad checksum, and refuses it after its lifetime', () => {
    const token = store.issueRequestToken('AB1234')!;
    expect(store.login(KEY, token, sessionChecksum(KEY, token, 'wrong'))).toEqual({
      ok: false,
      message: 'Invalid `checksum`.',
    });
    now += REQUEST_TOKEN_TTL_MS;
    expect(exchange(token)).toEqual({ ok: false, message: 'Token is invalid or has expired.' });
  });

  it('issues nothing for an unknown user and still takes the user id as a token (demo, tests)', () => {
    expect(store.issueRequestToken('ZZ9999')).toBeUndefined();
    expect(exchange('AB1234')).toMatchObject({ ok: true, user: { userId: 'AB1234' } });
    expect(exchange('AB1234')).toMatchObject({ ok: true, user: { userId: 'AB1234' } });
  });
});
