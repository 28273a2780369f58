import { startStack, type Stack } from './stack';

jest.setTimeout(180_000);

describe('startStack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ replicas: { notifier: 2 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('boots all five services (two notifiers) against the simulator, every one ready', async () => {
    expect(stack.services.map((s) => `${s.app}#${s.replica}`)).toEqual([
      'order-api#0',
      'notifier#0',
      'notifier#1',
      'zerodha-postback#0',
      'jainam-gateway#0',
      'portfolio-manager#0',
    ]);
    for (const service of stack.services) {
      const res = await fetch(`${service.url}/ready`);
      expect(res.status).toBe(200);
    }
    expect(stack.notifierWsUrl).toBe(`${stack.service('notifier').url.replace('http', 'ws')}/ws`);
  });

  it('kill -9 leaves a service down; restart brings it back on the same port', async () => {
    const pm = stack.service('portfolio-manager');
    const { port, pid } = pm;
    expect(await pm.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(pm.running).toBe(false);
    await expect(fetch(`${pm.url}/health`)).rejects.toThrow();
    await pm.restart();
    expect(pm.running).toBe(true);
    expect(pm.port).toBe(port);
    expect(pm.pid).not.toBe(pid);
    expect((await fetch(`${pm.url}/ready`)).status).toBe(200);
    // Both runs' output is kept: the killed one says how it ended.
    expect(pm.output).toMatch(/run 1 \(pid \d+, exit \{"code":null,"signal":"SIGKILL"\}\)/);
    expect(pm.output).toMatch(/run 2 \(pid \d+, exit null\)/);
  });

  it('runs the CLI against the stack: the demo accounts are linked', async () => {
    const { code, out } = await stack.cli('accounts', 'list', 'demo');
    expect(code).toBe(0);
    expect(out).toMatch(/AB1234/);
    expect(out).toMatch(/JN0001/);
  });
});
