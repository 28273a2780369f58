import { EventReader, BusAdminService } from '@fillwire/event-bus';
import type { CliCommand, CliContext } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';
import { parseCommandArgs, positiveInt } from '../parse-command-args';

const usage = `usage: npm run fillwire -- events <tail|status> [options]

  events tail [--from <id|0|$>] [--type <type>]... [--user <id>]... [--account <id>]...
              [--limit <n>] [--once]
      prints the event log as JSON lines {id, envelope}; --from is exclusive (default $: new
      events only; 0: from the oldest retained); types may end in .* (order.*);
      --once stops at the end of the log instead of following it
  events status        log length, dead letters and each consumer group's lag and pending`;

async function tail(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    from: { type: 'string' },
    type: { type: 'string', multiple: true },
    user: { type: 'string', multiple: true },
    account: { type: 'string', multiple: true },
    limit: { type: 'string' },
    once: { type: 'boolean' },
  });
  if (positionals.length) throw new CliUsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const from = values.from ?? (values.once ? '0' : '$');
  if (!/^(\$|0|\d+(-\d+)?)$/.test(from))
    throw new CliUsageError(`--from must be an entry id, 0 or $, got "${from}"`);
  const limit = positiveInt(values.limit, 'limit', Number.MAX_SAFE_INTEGER);
  const reader = new EventReader({ url: ctx.config.REDIS_URL, prefix: ctx.config.FILLWIRE_PREFIX });
  const stop = () => void reader.close();
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    const events = reader.read({
      from,
      follow: !values.once,
      limit,
      filter: { types: values.type, userIds: values.user, accountIds: values.account },
    });
    for await (const event of events) ctx.out(JSON.stringify(event));
    return 0;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    await reader.close();
  }
}

async function status(ctx: CliContext): Promise<number> {
  const admin = new BusAdminService({ url: ctx.config.REDIS_URL, prefix: ctx.config.FILLWIRE_PREFIX });
  try {
    const s = await admin.status();
    ctx.out(`${ctx.config.FILLWIRE_PREFIX}:events  length=${s.length}  dead letters=${s.deadLetters}`);
    for (const g of s.groups) {
      const age = g.oldestUnhandledAgeMs === null ? '-' : `${Math.round(g.oldestUnhandledAgeMs / 1000)}s`;
      ctx.out(
        `  ${g.group}  consumers=${g.consumers}  lag=${g.lag ?? '?'}  pending=${g.pending}  oldest unhandled=${age}  retention used=${(g.retentionRatio * 100).toFixed(1)}%`,
      );
    }
    return 0;
  } finally {
    await admin.close();
  }
}

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'tail the event log, show consumer group lag',
  usage,
  async run(args, ctx) {
    const [action, ...rest] = args;
    switch (action) {
      case 'tail':
        return tail(rest, ctx);
      case 'status':
        if (rest.length) throw new CliUsageError(`unexpected arguments: ${rest.join(' ')}`);
        return status(ctx);
      default:
        throw new CliUsageError(action ? `unknown events action "${action}"` : 'events needs an action');
    }
  },
};
