import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  freePort,
  testPrefix,
  testRedisUrl,
  waitFor,
  NodeProcess,
  REPO_ROOT as ROOT,
  cleanEnv,
} from '@fillwire/testing';

jest.setTimeout(60_000);

const run = promisify(execFile);
const APPS = ['order-api', 'notifier', 'zerodha-postback', 'jainam-gateway', 'portfolio-manager'];

// What the image's build stage does (docker/build.js), checked without a Docker engine: every
// service compiles, reaches only production dependencies, and the compiled service runs on plain node.
describe('docker/build.js', () => {
  // Inside the repository so the compiled code resolves the repository's node_modules.
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const out = mkdtempSync(join(ROOT, 'tmp', 'docker-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('compiles each service with its @fillwire aliases and production dependencies only', async () => {
    for (const app of APPS) {
      const dir = join(out, app);
      await run(process.execPath, ['docker/build.js', app, dir], { cwd: ROOT });
      expect(existsSync(join(dir, 'main.js'))).toBe(true);
      expect(existsSync(join(dir, 'node_modules/@fillwire/observability/index.js'))).toBe(true);
      expect(existsSync(join(dir, 'libs/observability/src/logger/redact.spec.js'))).toBe(false);
    }
    await expect(
      run(process.execPath, ['docker/build.js', 'nope', join(out, 'x')], { cwd: ROOT }),
    ).rejects.toThrow(/unknown app "nope"/);
  });

  it('runs the compiled order-api with plain node (no TypeScript at runtime)', async () => {
    const dir = join(out, 'order-api');
    if (!existsSync(join(dir, 'main.js')))
      await run(process.execPath, ['docker/build.js', 'order-api', dir], { cwd: ROOT });
    const port = await freePort();
    const proc = new NodeProcess(
      [join(dir, 'main.js')],
      cleanEnv({ PORT: String(port), REDIS_URL: await testRedisUrl(), FILLWIRE_PREFIX: testPrefix('img') }),
    );
    try {
      await proc.waitForLine(/listening on/, 30_000);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200, {
        timeoutMs: 10_000,
        what: 'compiled order-api ready',
      });
      proc.signal('SIGTERM');
      await expect(proc.waitExit(5000)).resolves.toEqual({ code: 0, signal: null });
    } finally {
      await proc.kill();
    }
  });
});
