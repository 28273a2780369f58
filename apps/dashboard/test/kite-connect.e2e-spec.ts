import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityRepository, IdentityService } from '@fillwire/identity';
import {
  freePort,
  startKiteLoginStack,
  testPrefix,
  testRedisUrl,
  type KiteLoginStack,
} from '@fillwire/testing';
import Redis from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The daily Zerodha login from the trader's screen, in Chromium: order-api outside demo mode, a user
 * whose Kite account has no session yet, the simulator standing in for kite.zerodha.com.
 */
describe('dashboard: Connect Zerodha', () => {
  let stack: KiteLoginStack;
  let redis: Redis;
  let prefix: string;
  let apiKey: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const redisUrl = await testRedisUrl();
    redis = new Redis(redisUrl);
    prefix = testPrefix('dash-kite');
    const identity = new IdentityService(new IdentityRepository(redis, prefix));
    await identity.addUser({ id: 'alice' });
    await identity.linkAccount('alice', 'zerodha', 'AB1234');
    apiKey = (await identity.issueKey('alice')).apiKey;
    stack = await startKiteLoginStack({ redisUrl, prefix });
    profile = mkdtempSync(join(tmpdir(), 'fillwire-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.stop();
    await redis?.quit();
  });

  it('offers the Kite login for an account without a session and is connected after it', async () => {
    // No notifier here: point the page's WebSocket at a port nobody listens on.
    const ws = encodeURIComponent(`ws://127.0.0.1:${await freePort()}/ws`);
    await page.goto(`${stack.api.url}/?ws=${ws}`);
    await page.fill('#apikey', apiKey);
    await page.click('#signin-form button[type="submit"]');

    // The broker reads fail without a session: the screen stays, says why and offers the login.
    const connect = page.locator('#kite-connect button[data-account-id="AB1234"]');
    await connect.waitFor({ timeout: 30_000 });
    await page
      .locator('.toast.error', { hasText: 'no Kite session for AB1234' })
      .first()
      .waitFor({ timeout: 15_000 });
    expect(await page.isVisible('#app')).toBe(true);

    await connect.click();
    await page.waitForURL(/\/v1\/brokers\/zerodha\/callback\?/, { timeout: 30_000 });
    expect(await page.textContent('h1')).toBe('Zerodha connected');
    expect(await redis.exists(`${prefix}:broker-session:zerodha:AB1234`)).toBe(1);

    await page.click('text=Back to Fillwire');
    await page.waitForURL(`${stack.api.url}/`);
    // Still signed in (session token kept by the tab); the login offer is gone, the orders load.
    await page.waitForSelector('#app:not([hidden])', { timeout: 30_000 });
    await page.waitForFunction('document.querySelector("#kite-connect").hidden === true', undefined, {
      timeout: 30_000,
    });
    expect(pageErrors).toEqual([]);
  });
});
