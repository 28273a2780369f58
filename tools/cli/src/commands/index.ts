import type { CliCommand } from '../cli-command';
import { dlqCommand } from './dlq.command';
import { eventsCommand } from './events.command';

/** Every command group of the CLI; add yours here (one file per group in this folder). */
export const allCommands: CliCommand[] = [dlqCommand, eventsCommand];
