import { XtsSessionStore } from './xts-session.store';

describe('XtsSessionStore', () => {
  const users = [
    { appKey: 'k1', secretKey: 's1', userID: 'JN0001' },
    { appKey: 'k2', secretKey: 's2', userID: 'JN0002', clientCodes: ['C2'] },
  ];

  it('keeps one session per key pair: a new login replaces the old token', () => {
    const store = new XtsSessionStore(users);
    const user = store.findUser('k1', 's1')!;
    const first = store.login(user, 'WEBAPI');
    expect(first.replaced).toBeUndefined();
    expect(first.session.token.split('.')).toHaveLength(3);
    const second = store.login(user, 'WEBAPI');
    expect(second.replaced?.token).toBe(first.session.token);
    expect(store.get(first.session.token)).toBeUndefined();
    expect(store.get(second.session.token)?.userID).toBe('JN0001');
  });

  it('rejects unknown key pairs and expires sessions per user', () => {
    const store = new XtsSessionStore(users);
    expect(store.findUser('k1', 's2')).toBeUndefined();
    const a = store.login(store.findUser('k1', 's1')!, 'WEBAPI').session;
    const b = store.login(store.findUser('k2', 's2')!, 'WEBAPI').session;
    expect(b.clientID).toBe('C2');
    expect(store.expire('JN0002').map((s) => s.token)).toEqual([b.token]);
    expect(store.get(b.token)).toBeUndefined();
    expect(store.get(a.token)).toBeDefined();
    expect(store.logout(a.token)?.userID).toBe('JN0001');
    expect(store.get(a.token)).toBeUndefined();
  });
});
