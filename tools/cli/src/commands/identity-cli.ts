import { IdentityError, IdentityRepository, IdentityService } from '@fillwire/identity';
import Redis from 'ioredis';
import type { CliContext } from '../cli-command';
import { CliUsageError } from '../cli-usage.error';

/** Runs `work` with an IdentityService on the configured Redis; identity mistakes become usage errors. */
export async function withIdentity(ctx: CliContext, work: (identity: IdentityService) => Promise<number>): Promise<number> {
  const redis = new Redis(ctx.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await work(new IdentityService(new IdentityRepository(redis, ctx.config.FILLWIRE_PREFIX), { authCacheMs: 0 }));
  } catch (error) {
    if (error instanceof IdentityError) throw new CliUsageError(error.message);
    throw error;
  } finally {
    redis.disconnect();
  }
}

export function noExtra(positionals: string[]): void {
  if (positionals.length > 0) throw new CliUsageError(`unexpected arguments: ${positionals.join(' ')}`);
}
