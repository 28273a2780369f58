import type { BaseConfig } from '@fillwire/config';

/** What a command gets: validated config, output sinks and a signal that fires on Ctrl-C. */
export interface CliContext {
  config: BaseConfig;
  out: (line: string) => void;
  err: (line: string) => void;
  signal: AbortSignal;
}

/**
 * One command group (`dlq`, `events`, later `users`, `keys`, `accounts`): one file per group
 * under commands/, registered in commands/index.ts.
 */
export interface CliCommand {
  name: string;
  summary: string;
  /** Shown by `fillwire <name> --help` and on a usage error. */
  usage: string;
  /** Returns the process exit code. Throw CliUsageError for bad arguments. */
  run(args: string[], ctx: CliContext): Promise<number>;
}
