import type { CliCommand } from './cli-command';
import { CliUsageError } from './cli-usage.error';
import { CommandRegistry } from './command-registry';
import { createRegistry, runCli } from './run-cli';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env: {}, out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

describe('runCli', () => {
  it('lists the registered command groups', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/dlq\s+list, show and replay/);
    expect(t.out.join('\n')).toMatch(/events\s+tail/);
    expect(await runCli([], io().io)).toBe(2);
  });

  it('exits 2 with the usage on an unknown command or bad arguments, before touching Redis', async () => {
    const unknown = io();
    expect(await runCli(['nope'], unknown.io)).toBe(2);
    expect(unknown.err[0]).toMatch(/unknown command "nope"/);

    for (const argv of [
      ['dlq'],
      ['dlq', 'purge'],
      ['dlq', 'show'],
      ['dlq', 'show', 'not-an-id'],
      ['dlq', 'list', '--limit', '0'],
      ['events', 'tail', '--from', 'yesterday'],
      ['events', 'tail', '--bogus'],
    ]) {
      const t = io();
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.err.join('\n')).toContain('usage: npm run fillwire --');
    }
  });

  it('prints a command usage on --help and refuses a bad environment', async () => {
    const t = io();
    expect(await runCli(['events', '--help'], t.io)).toBe(0);
    expect(t.out[0]).toContain('events tail');
    const bad = io();
    expect(
      await runCli(['dlq', 'list'], { ...bad.io, env: { REDIS_URL: 'http://x', FILLWIRE_PREFIX: 'a:b' } }),
    ).toBe(1);
    expect(bad.err[0]).toMatch(/REDIS_URL[\s\S]*FILLWIRE_PREFIX/);
  });

  it('lets others register command groups, once each', async () => {
    const users: CliCommand = {
      name: 'widgets',
      summary: 'manage widgets',
      usage: 'usage: npm run fillwire -- widgets <list>',
      run: (args) => {
        if (args[0] !== 'list') throw new CliUsageError('widgets needs list');
        return Promise.resolve(0);
      },
    };
    const registry = createRegistry().register(users);
    expect(await runCli(['widgets', 'list'], io().io, registry)).toBe(0);
    expect(await runCli(['widgets'], io().io, registry)).toBe(2);
    expect(() => new CommandRegistry().register(users, users)).toThrow(/twice/);
  });
});
