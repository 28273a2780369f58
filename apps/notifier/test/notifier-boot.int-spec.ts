import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function boot(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/notifier/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('notifier startup validation', () => {
  it('refuses to start in kafka mode without brokers or topic, naming both', async () => {
    const { code, stderr } = await boot({ ORDER_EVENT_MODE: 'kafka', KAFKA_ORDER_EVENTS_TOPIC: '' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/KAFKA_BROKERS: is required when ORDER_EVENT_MODE is kafka or both/);
    expect(stderr).toMatch(/KAFKA_ORDER_EVENTS_TOPIC: is required/);
  });
});
