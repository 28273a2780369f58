import { Inject, Injectable } from '@nestjs/common';
import { IdentityRepository, IdentityService } from '@fillwire/identity';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { NotifierConfig } from '../config/notifier-config.schema';
import type { SocketIdentity } from '../push/client-session';
import type { SocketAuthenticator } from './socket-authenticator';

/** Session tokens and API keys checked against the shared identity store (order-api issues them). */
@Injectable()
export class IdentityAuthenticatorService implements SocketAuthenticator {
  readonly identity: IdentityService;

  constructor(@Inject(APP_CONFIG) config: NotifierConfig, @Inject(REDIS_CLIENT) redis: Redis) {
    this.identity = new IdentityService(new IdentityRepository(redis, config.FILLWIRE_PREFIX));
  }

  async verify(secret: string): Promise<SocketIdentity | null> {
    const principal = await this.identity.authenticate(secret);
    if (!principal) return null;
    return {
      userId: principal.userId,
      accountIds: principal.accounts.map((a) => a.accountId),
      accounts: principal.accounts.map(({ broker, accountId }) => ({ broker, accountId })),
    };
  }

  /** Owner of a broker account, for events that carry an account but no user (sinks). */
  async ownerOf(accountId: string): Promise<string | null> {
    return (await this.identity.repository.getAccount(accountId))?.userId ?? null;
  }
}
