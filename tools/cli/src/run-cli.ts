import { BaseConfigSchema, ConfigError, loadConfig } from '@fillwire/config';
import type { CliContext } from './cli-command';
import { CliUsageError } from './cli-usage.error';
import { CommandRegistry } from './command-registry';
import { allCommands } from './commands';

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  signal?: AbortSignal;
}

export function createRegistry(): CommandRegistry {
  return new CommandRegistry().register(...allCommands);
}

/** Runs one CLI invocation and returns its exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIo, registry = createRegistry()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(registry.help());
    return name ? 0 : 2;
  }
  const command = registry.get(name);
  if (!command) {
    io.err(`unknown command "${name}"\n\n${registry.help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  let ctx: CliContext;
  try {
    ctx = {
      config: loadConfig('fillwire-cli', BaseConfigSchema, io.env),
      out: io.out,
      err: io.err,
      signal: io.signal ?? new AbortController().signal,
    };
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  try {
    return await command.run(args, ctx);
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.err(`${err.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
