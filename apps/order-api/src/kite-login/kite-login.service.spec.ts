import { HttpException } from '@nestjs/common';
import { BrokerAuthError, BrokerUnavailableError, type KiteSession } from '@fillwire/broker-adapters';
import type { BrokerAccount, Principal } from '@fillwire/identity';
import type { KiteLoginBinding } from './kite-login-state.repository';
import {
  KITE_LOGIN_STATE_TTL_MS,
  KiteLoginService,
  type KiteLoginStates,
  type KiteSessionExchange,
  type KiteSessionStore,
} from './kite-login.service';

const NOW = Date.parse('2025-03-10T04:00:00Z'); // 09:30 IST
const NEXT_SIX_IST = Date.parse('2025-03-11T00:30:00Z');
const STATE = 'n'.repeat(43);

const account = (
  accountId: string,
  broker: BrokerAccount['broker'] = 'zerodha',
  userId = 'alice',
): BrokerAccount => ({ accountId, broker, userId, linkedAt: 0 });
const principal = (userId: string, accounts: BrokerAccount[]): Principal => ({
  userId,
  role: 'user',
  via: 'api-key',
  keyId: 'k1',
  accounts,
});
const alice = principal('alice', [account('AB1234'), account('JN0001', 'jainam')]);
const bob = principal('bob', [account('CD5678', 'zerodha', 'bob')]);

/** The Redis repository's behaviour in memory: one nonce per create, consumed once. */
class FakeStates implements KiteLoginStates {
  readonly live = new Map<string, { binding: KiteLoginBinding; ttlMs: number }>();
  private next = 0;
  create(binding: KiteLoginBinding, ttlMs: number): Promise<string> {
    const nonce = `${String(this.next++).padStart(2, '0')}${'s'.repeat(41)}`;
    this.live.set(nonce, { binding, ttlMs });
    return Promise.resolve(nonce);
  }
  consume(nonce: string): Promise<KiteLoginBinding | null> {
    const found = this.live.get(nonce);
    this.live.delete(nonce);
    return Promise.resolve(found?.binding ?? null);
  }
}

class FakeKite implements KiteSessionExchange {
  readonly calls: Array<[string, string]> = [];
  result: KiteSession | Error = {
    userId: 'AB1234',
    userName: 'Demo Trader',
    accessToken: 'access-1',
    publicToken: null,
    loginTime: null,
  };
  kiteLogin(accountId: string, requestToken: string): Promise<KiteSession> {
    this.calls.push([accountId, requestToken]);
    return this.result instanceof Error ? Promise.reject(this.result) : Promise.resolve(this.result);
  }
}

class FakeSessions implements KiteSessionStore {
  readonly stored = new Map<string, { token: string; expiresAt: number }>();
  kiteSession(accountId: string) {
    return Promise.resolve(this.stored.get(accountId) ?? null);
  }
  publishKiteToken(accountId: string, token: string, expiresAt: number): Promise<void> {
    this.stored.set(accountId, { token, expiresAt });
    return Promise.resolve();
  }
}

const statusOf = async (work: Promise<unknown>): Promise<{ status: number; message: string }> => {
  try {
    await work;
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { status: error.getStatus(), message: (error.getResponse() as { message: string }).message };
  }
  throw new Error('expected a refusal');
};

describe('KiteLoginService', () => {
  let states: FakeStates;
  let kite: FakeKite;
  let sessions: FakeSessions;
  let service: KiteLoginService;

  beforeEach(() => {
    jest.useFakeTimers({ now: NOW });
    states = new FakeStates();
    kite = new FakeKite();
    sessions = new FakeSessions();
    service = new KiteLoginService(
      {
        KITE_API_KEY: 'app-key',
        KITE_LOGIN_URL: 'https://kite.zerodha.com/connect/login',
        FILLWIRE_DEMO: false,
      },
      states,
      kite,
      sessions,
    );
  });
  afterEach(() => jest.useRealTimers());

  /** A started login's state, read back from the URL the way Kite echoes redirect_params. */
  const startedState = async (who = alice, accountId = 'AB1234'): Promise<string> => {
    const { loginUrl } = await service.start(who, accountId);
    return (
      new URLSearchParams(new URL(loginUrl).searchParams.get('redirect_params') ?? '').get('state') ?? ''
    );
  };

  describe('start', () => {
    it("sends the user to Kite's login with v=3, our app key and a state bound to user and account", async () => {
      const started = await service.start(alice, 'AB1234');
      const url = new URL(started.loginUrl);
      expect(`${url.origin}${url.pathname}`).toBe('https://kite.zerodha.com/connect/login');
      const state = [...states.live.keys()][0];
      expect(Object.fromEntries(url.searchParams)).toEqual({
        v: '3',
        api_key: 'app-key',
        redirect_params: `state=${state}`,
      });
      expect(states.live.get(state)).toEqual({
        binding: { userId: 'alice', accountId: 'AB1234' },
        ttlMs: KITE_LOGIN_STATE_TTL_MS,
      });
      expect(started.stateExpiresAt).toBe(NOW + KITE_LOGIN_STATE_TTL_MS);
    });

    it('gives every login its own state', async () => {
      expect(await startedState()).not.toBe(await startedState());
    });

    it("refuses another user's account and a non-Zerodha account with 404, creating no state", async () => {
      await expect(statusOf(service.start(bob, 'AB1234'))).resolves.toEqual({
        status: 404,
        message: 'no Zerodha account AB1234',
      });
      await expect(statusOf(service.start(alice, 'JN0001'))).resolves.toMatchObject({ status: 404 });
      expect(states.live.size).toBe(0);
    });
  });

  describe('complete', () => {
    it('exchanges the request token for the bound account and stores the session until the next 06:00 IST', async () => {
      const state = await startedState();
      const done = await service.complete({ status: 'success', request_token: 'rt-1', state });
      expect(kite.calls).toEqual([['AB1234', 'rt-1']]);
      expect(done).toEqual({
        userId: 'alice',
        accountId: 'AB1234',
        kiteUserName: 'Demo Trader',
        expiresAt: NEXT_SIX_IST,
      });
      expect(sessions.stored.get('AB1234')).toEqual({ token: 'access-1', expiresAt: NEXT_SIX_IST });
    });

    it('takes a state once: a replay is refused and nothing more is exchanged', async () => {
      const state = await startedState();
      await service.complete({ status: 'success', request_token: 'rt-1', state });
      const replay = await statusOf(service.complete({ status: 'success', request_token: 'rt-2', state }));
      expect(replay.status).toBe(400);
      expect(replay.message).toMatch(/unknown, already used or expired/);
      expect(kite.calls).toHaveLength(1);
    });

    it('refuses a state it never issued, without calling Kite or storing anything', async () => {
      await startedState();
      await expect(
        statusOf(service.complete({ status: 'success', request_token: 'rt-1', state: STATE })),
      ).resolves.toMatchObject({ status: 400 });
      expect(kite.calls).toEqual([]);
      expect(sessions.stored.size).toBe(0);
    });

    it('refuses a login Kite did not complete, and burns its state', async () => {
      const state = await startedState();
      const refused = await statusOf(service.complete({ status: 'cancelled', state }));
      expect(refused).toEqual({
        status: 400,
        message: 'Kite did not complete the login (status=cancelled); nothing was stored',
      });
      expect(kite.calls).toEqual([]);
      expect(states.live.size).toBe(0);
      expect(sessions.stored.size).toBe(0);
    });

    it('refuses a success without a request token', async () => {
      const state = await startedState();
      await expect(statusOf(service.complete({ status: 'success', state }))).resolves.toMatchObject({
        status: 400,
        message: expect.stringMatching(/no request_token/),
      });
    });

    it('refuses a session of another Kite user (logged in to the wrong account) and stores nothing', async () => {
      kite.result = {
        userId: 'CD5678',
        userName: null,
        accessToken: 'access-wrong',
        publicToken: null,
        loginTime: null,
      };
      const state = await startedState();
      const refused = await statusOf(service.complete({ status: 'success', request_token: 'rt-1', state }));
      expect(refused.status).toBe(400);
      expect(refused.message).toMatch(/logged in to Kite as CD5678, but this login is for AB1234/);
      expect(sessions.stored.size).toBe(0);
    });

    it("answers Kite's refusal of the token with 400 and its message, an outage with 503; nothing stored", async () => {
      kite.result = new BrokerAuthError('zerodha', 'Token is invalid or has expired.', 'TokenException');
      await expect(
        statusOf(service.complete({ status: 'success', request_token: 'old', state: await startedState() })),
      ).resolves.toEqual({
        status: 400,
        message: 'Kite refused the login: Token is invalid or has expired.',
      });
      kite.result = new BrokerUnavailableError('zerodha', 'Gateway down', 'NetworkException');
      await expect(
        statusOf(service.complete({ status: 'success', request_token: 'rt', state: await startedState() })),
      ).resolves.toMatchObject({ status: 503 });
      expect(sessions.stored.size).toBe(0);
    });
  });

  describe('status', () => {
    it("tells whether the caller's account has a session and until when", async () => {
      await expect(service.status(alice, 'AB1234')).resolves.toMatchObject({
        accountId: 'AB1234',
        active: false,
        expiresAt: null,
        demoLogin: false,
        loginPath: '/v1/brokers/zerodha/login?accountId=AB1234',
      });
      await service.complete({ status: 'success', request_token: 'rt-1', state: await startedState() });
      await expect(service.status(alice, 'AB1234')).resolves.toMatchObject({
        active: true,
        expiresAt: NEXT_SIX_IST,
      });
      await expect(statusOf(service.status(bob, 'AB1234'))).resolves.toMatchObject({ status: 404 });
    });

    it('lists every Zerodha account of the caller, and only those', async () => {
      await service.complete({ status: 'success', request_token: 'rt-1', state: await startedState() });
      await expect(service.statuses(alice)).resolves.toEqual([
        expect.objectContaining({ accountId: 'AB1234', active: true }),
      ]);
      await expect(service.statuses(bob)).resolves.toEqual([
        expect.objectContaining({ accountId: 'CD5678', active: false }),
      ]);
    });
  });
});
