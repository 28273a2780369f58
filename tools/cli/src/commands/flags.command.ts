import { FeatureFlagsRepository, FeatureFlagsService } from '@fillwire/identity';
import type { CliCommand } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';
import { parseCommandArgs } from '../parse-command-args';
import { noExtra } from './identity-cli';
import Redis from 'ioredis';

const usage = `usage: npm run fillwire -- flags <show>

  flags show   the order-update rollout flags in Redis (change them with PATCH /v1/admin/flags on
               order-api, which also announces the change as flags.updated)`;

export const flagsCommand: CliCommand = {
  name: 'flags',
  summary: 'show the event-driven rollout flags',
  usage,
  async run(args, ctx) {
    const [action, ...rest] = args;
    noExtra(parseCommandArgs(rest, {}).positionals);
    if (action !== 'show') throw new CliUsageError(action ? `unknown flags action "${action}"` : 'flags needs an action');
    const redis = new Redis(ctx.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      // Reading only: the publisher is never called.
      const flags = await new FeatureFlagsService(
        new FeatureFlagsRepository(redis, ctx.config.FILLWIRE_PREFIX, { useEventDrivenOrders: true, rolloutPercent: 100 }),
        () => Promise.resolve(),
      ).get();
      ctx.out(JSON.stringify(flags, null, 2));
      return 0;
    } finally {
      redis.disconnect();
    }
  },
};
