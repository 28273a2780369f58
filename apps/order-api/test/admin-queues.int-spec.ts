import type { INestApplication } from '@nestjs/common';
import { JobQueues } from '@fillwire/event-bus';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import { startOrderApi } from './order-api-app';

const TOKEN = 'admin-token-for-tests-0123456789';

describe('bull-board at /admin/queues', () => {
  let app: INestApplication;
  let url: string;
  let jobs: JobQueues;

  beforeAll(async () => {
    const redisUrl = await testRedisUrl();
    const prefix = testPrefix('admin-queues');
    // A queue some other service created: bull-board must find it by its key prefix.
    jobs = new JobQueues({ url: redisUrl, prefix });
    await jobs.queue('ops-deliveries').add('deliver', { n: 1 });
    ({ app, url } = await startOrderApi({
      REDIS_URL: redisUrl,
      FILLWIRE_PREFIX: prefix,
      FILLWIRE_ADMIN_TOKEN: TOKEN,
    }));
  });
  afterAll(async () => {
    await app?.close();
    await jobs?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers, redirect: 'manual' });

  it('answers 401 without the token, for scripts (JSON) and browsers (the sign-in form)', async () => {
    const script = await get('/admin/queues/api/queues');
    expect(script.status).toBe(401);
    expect(await script.json()).toMatchObject({ statusCode: 401 });
    const browser = await get('/admin/queues', { Accept: 'text/html' });
    expect(browser.status).toBe(401);
    expect(await browser.text()).toContain('action="/admin/queues/login"');
    expect((await get('/admin/queues', { Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
  });

  it('answers 200 with Bearer <FILLWIRE_ADMIN_TOKEN> and lists the prefix queues', async () => {
    const page = await get('/admin/queues', { Authorization: `Bearer ${TOKEN}` });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await get('/admin/queues/api/queues', { Authorization: `Bearer ${TOKEN}` });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name)).toContain('ops-deliveries');
    expect(body.queues.find((q) => q.name === 'ops-deliveries')?.counts).toMatchObject({ waiting: 1 });
  });

  it('signs a browser in with the token and keeps it in an HttpOnly cookie', async () => {
    const post = (token: string) =>
      fetch(`${url}/admin/queues/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'manual',
      });
    const wrong = await post('not-the-token-0123456789');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('not valid');

    const ok = await post(TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/queues');
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^fillwire_admin=[0-9a-f]{64};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0];
    expect((await get('/admin/queues', { Cookie: session })).status).toBe(200);
    expect((await get('/admin/queues', { Cookie: 'fillwire_admin=' + '0'.repeat(64) })).status).toBe(401);
  });
});
