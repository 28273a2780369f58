import { KiteConnect } from 'kiteconnect';
import { startBrokerSim, type BrokerSim } from '../broker-sim';

const API_KEY = 'kite-demo';
const SECRET = 'demo-secret';
const REDIRECT = 'http://app.example/kite/callback?app=fw';

describe('Kite browser login GET /connect/login (simulator)', () => {
  let sim: BrokerSim;
  beforeAll(async () => {
    sim = await startBrokerSim({ kitePort: 0, xtsPort: 0, tickMs: 0, kiteRedirectUrl: REDIRECT });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const login = (query: Record<string, string>) =>
    fetch(`${sim.kiteUrl}/connect/login?${new URLSearchParams(query).toString()}`, { redirect: 'manual' });
  const kite = () => new KiteConnect({ api_key: API_KEY, root: sim.kiteUrl });

  it('redirects to the app with a one-time request token and the echoed redirect_params', async () => {
    const res = await login({ v: '3', api_key: API_KEY, redirect_params: 'state=n0nce&status=forged' });
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location') ?? '');
    expect(`${target.origin}${target.pathname}`).toBe('http://app.example/kite/callback');
    const params = Object.fromEntries(target.searchParams);
    // Kite's own parameters win over redirect_params of the same name.
    expect(params).toEqual({
      app: 'fw',
      action: 'login',
      type: 'login',
      status: 'success',
      request_token: expect.stringMatching(/^[0-9a-f]{32}$/),
      state: 'n0nce',
    });

    const session = await kite().generateSession(params.request_token, SECRET);
    expect(session.user_id).toBe('AB1234');
    await expect(kite().generateSession(params.request_token, SECRET)).rejects.toEqual(
      expect.objectContaining({ error_type: 'TokenException' }),
    );
  });

  it('logs in the user named by user_id', async () => {
    const res = await login({ v: '3', api_key: API_KEY, user_id: 'CD5678' });
    const token = new URL(res.headers.get('location') ?? '').searchParams.get('request_token') ?? '';
    await expect(kite().generateSession(token, SECRET)).resolves.toMatchObject({ user_id: 'CD5678' });
  });

  it('refuses a wrong api_key, a missing v=3 and an unknown user with 400 and no redirect', async () => {
    const queries: Array<Record<string, string>> = [
      { v: '3', api_key: 'other' },
      { api_key: API_KEY },
      { v: '3', api_key: API_KEY, user_id: 'ZZ9999' },
    ];
    for (const query of queries) {
      const res = await login(query);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.json()).toMatchObject({ status: 'error', error_type: 'InputException' });
    }
  });
});
