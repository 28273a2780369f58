import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStack, testPrefix, testRedisUrl, waitFor, type Stack } from '@fillwire/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../../test-artifacts');
const DEMO_KEY = `fw_dash_${Date.now().toString(36)}_demo`;
const DEMO2_KEY = `fw_dash_${Date.now().toString(36)}_demo2`;

/** The trader's screen in Chromium against the real stack: sign in, place, watch fills, cancel. */
describe('dashboard in Chromium', () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      env: {
        REDIS_URL: await testRedisUrl(),
        FILLWIRE_PREFIX: testPrefix('dashboard'),
        FILLWIRE_DEMO_API_KEY: DEMO_KEY,
        FILLWIRE_DEMO2_API_KEY: DEMO2_KEY,
      },
      // The screen needs neither XTS nor its gateway.
      apps: ['order-api', 'notifier', 'zerodha-postback', 'portfolio-manager'],
    });
    profile = mkdtempSync(join(tmpdir(), 'fillwire-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('response', (res) => {
      if (res.status() >= 400)
        failedRequests.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
    });
  });

  afterAll(async () => {
    if (page) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    }
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.stop();
  });

  const simState = async (orderId: string): Promise<string | undefined> => {
    const { orders } = await stack.sim.admin<{ orders: Array<{ orderId: string; state: string }> }>(
      '/_sim/orders?userId=AB1234',
    );
    return orders.find((o) => o.orderId === orderId)?.state;
  };
  const row = (orderId: string) => page.locator(`#orders tbody tr[data-order-id="${orderId}"]`);

  const orderIds = async (): Promise<string[]> => {
    const rows = await page.locator('#orders tbody tr').all();
    return (await Promise.all(rows.map((r) => r.getAttribute('data-order-id')))).filter(
      (id): id is string => id !== null,
    );
  };

  /** Fills the order form and submits it; the new row's order id (the placement answer adds it). */
  async function place(fields: { orderType: string; price?: string; side?: string }): Promise<string> {
    const known = new Set(await orderIds());
    await page.selectOption('#order-form select[name="side"]', fields.side ?? 'BUY');
    await page.fill('#order-form input[name="symbol"]', 'SBIN');
    await page.fill('#order-form input[name="quantity"]', '1');
    await page.selectOption('#order-form select[name="orderType"]', fields.orderType);
    await page.fill('#order-form input[name="price"]', fields.price ?? '');
    await page.click('#place');
    let added: string | undefined;
    await waitFor(
      async () => {
        added = (await orderIds()).find((id) => !known.has(id));
        return added !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the new order row' },
    );
    return added as string;
  }

  it('signs in with the API key and goes live on the WebSocket', async () => {
    const ws = encodeURIComponent(stack.notifierWsUrl);
    await page.goto(`${stack.dashboardUrl}?ws=${ws}`);
    await page.fill('#apikey', 'wrong-key');
    await page.click('#signin-form button[type="submit"]');
    await page.locator('#signin-error', { hasText: 'wrong API key' }).waitFor({ timeout: 15_000 });

    await page.fill('#apikey', DEMO_KEY);
    await page.click('#signin-form button[type="submit"]');
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 30_000 });
    expect(await page.textContent('#user')).toBe('demo');
    const accounts = await page.locator('#account option').allTextContents();
    expect(accounts).toEqual(expect.arrayContaining(['AB1234', 'JN0001']));
    expect(accounts).not.toContain('CD5678');
  });

  it('places a MARKET order with the form and the row fills in place, without a reload', async () => {
    // Browser-side code as strings: this project's TypeScript has no DOM types.
    await page.evaluate('window.fillwireNoReload = true');
    await page.selectOption('#account', 'AB1234');
    const orderId = await place({ orderType: 'MARKET' });
    await page.evaluate(
      `document.querySelector('#orders tr[data-order-id="${orderId}"]').dataset.testMark = 'placed'`,
    );
    await page.waitForSelector(`#orders tbody tr[data-order-id="${orderId}"][data-status="FILLED"]`, {
      timeout: 30_000,
    });
    // The same row element changed in place (it keeps our mark), and the page never reloaded.
    expect(await row(orderId).getAttribute('data-test-mark')).toBe('placed');
    expect(await page.evaluate('window.fillwireNoReload')).toBe(true);
    const cells = await row(orderId).locator('td').allTextContents();
    expect(cells.slice(2, 7)).toEqual(['AB1234', 'BUY', 'SBIN', '1', '1']);
    expect(Number(cells[7])).toBeGreaterThan(0);
    // portfolio-manager announces the position; it appears live too.
    await page.waitForSelector('#positions tbody tr[data-key^="AB1234|NSE|SBIN|MIS"]', { timeout: 30_000 });
  });

  it('cancels an open LIMIT order from its row', async () => {
    // Below the simulator's SBIN price (812.45), inside its price band: the order rests open.
    const orderId = await place({ orderType: 'LIMIT', price: '790' });
    // Kite announces no OPEN (no postback, no ticker frame): the row is PENDING, then OPEN once
    // zerodha-postback has read the order after its placement; either way it has its Cancel button.
    await waitFor(async () => (await simState(orderId)) === 'open', {
      timeoutMs: 15_000,
      what: 'the order resting at the simulator',
    });
    expect(await row(orderId).getAttribute('data-status')).toMatch(/^(PENDING|OPEN)$/);
    await row(orderId).locator('button.cancel').click();
    await page.waitForSelector(`#orders tbody tr[data-order-id="${orderId}"][data-status="CANCELLED"]`, {
      timeout: 30_000,
    });
    expect(await row(orderId).locator('button.cancel').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    // Only the wrong key's sign-in was refused; nothing else the page asked for failed.
    expect(failedRequests).toEqual(['401 POST /v1/sessions']);
  });
});
