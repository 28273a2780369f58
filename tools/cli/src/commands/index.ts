import type { CliCommand } from '../cli-command';
import { accountsCommand } from './accounts.command';
import { dlqCommand } from './dlq.command';
import { eventsCommand } from './events.command';
import { flagsCommand } from './flags.command';
import { keysCommand } from './keys.command';
import { usersCommand } from './users.command';

/** Every command group of the CLI; add yours here (one file per group in this folder). */
export const allCommands: CliCommand[] = [dlqCommand, eventsCommand, usersCommand, keysCommand, accountsCommand, flagsCommand];
