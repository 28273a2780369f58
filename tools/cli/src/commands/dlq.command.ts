import {
  BusAdminService,
  parseDeadLetterRef,
  type EventDeadLetter,
  type FailedJob,
} from '@fillwire/event-bus';
import type { CliCommand, CliContext } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';
import { parseCommandArgs, positiveInt } from '../parse-command-args';

const usage = `usage: npm run fillwire -- dlq <list|show|replay> [options]

  dlq list [--group <service>] [--queue <queue>] [--limit 50] [--json]
      dead letters of both layers, newest first: event dead letters (id <ms>-<seq>)
      and failed jobs (<queue>/<job id>)
  dlq show <id | queue/jobId>        everything about one dead letter, as JSON
  dlq replay <id | queue/jobId>      event: re-deliver to the ONE group that failed it;
                                     job: move it back to waiting with attempts reset`;

const time = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : '-');
const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 120);

function eventLine(d: EventDeadLetter): string {
  const what = d.envelope ? `${d.envelope.type} ${d.envelope.id}` : '(invalid envelope)';
  return `${d.id}  event  ${d.group}  ${what}  deliveries=${d.deliveries}  ${time(d.failedAt)}  ${oneLine(d.error)}`;
}

function jobLine(j: FailedJob): string {
  return `${j.queue}/${j.id}  job  ${j.name}  attempts=${j.attemptsMade}  ${time(j.failedAt)}  ${oneLine(j.failedReason)}`;
}

async function withAdmin<T>(ctx: CliContext, fn: (admin: BusAdminService) => Promise<T>): Promise<T> {
  const admin = new BusAdminService({ url: ctx.config.REDIS_URL, prefix: ctx.config.FILLWIRE_PREFIX });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

export const dlqCommand: CliCommand = {
  name: 'dlq',
  summary: 'list, show and replay dead letters (events and failed jobs)',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseCommandArgs(args, {
      group: { type: 'string' },
      queue: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [action, ref, ...extra] = positionals;
    if (extra.length) throw new CliUsageError(`unexpected arguments: ${extra.join(' ')}`);
    switch (action) {
      case 'list': {
        const limit = positiveInt(values.limit, 'limit', 50);
        return withAdmin(ctx, async (admin) => {
          const events = values.queue ? [] : await admin.listDeadLetters({ limit, group: values.group });
          const jobs = values.group ? [] : await admin.listFailedJobs({ queue: values.queue, limit });
          if (values.json) ctx.out(JSON.stringify({ events, jobs }, null, 2));
          else {
            for (const d of events) ctx.out(eventLine(d));
            for (const j of jobs) ctx.out(jobLine(j));
            if (!events.length && !jobs.length) ctx.out('no dead letters');
          }
          return 0;
        });
      }
      case 'show':
      case 'replay': {
        if (!ref) throw new CliUsageError(`dlq ${action} needs a dead letter id or <queue>/<job id>`);
        let parsed;
        try {
          parsed = parseDeadLetterRef(ref);
        } catch (err) {
          throw new CliUsageError(err instanceof Error ? err.message : String(err));
        }
        const target = parsed;
        return withAdmin(ctx, async (admin) => {
          if (action === 'show') {
            const found =
              target.kind === 'event'
                ? await admin.getDeadLetter(target.id)
                : await admin.getFailedJob(target.queue, target.jobId);
            if (!found) {
              ctx.err(`no dead letter ${ref}`);
              return 1;
            }
            ctx.out(JSON.stringify(found, null, 2));
            return 0;
          }
          if (target.kind === 'event') {
            const result = await admin.replayDeadLetter(target.id);
            ctx.out(`replayed ${target.id} to group ${result.group} (retry entry ${result.retryEntryId})`);
          } else {
            await admin.retryFailedJob(target.queue, target.jobId);
            ctx.out(`retrying job ${target.queue}/${target.jobId}`);
          }
          return 0;
        });
      }
      default:
        throw new CliUsageError(action ? `unknown dlq action "${action}"` : 'dlq needs an action');
    }
  },
};
