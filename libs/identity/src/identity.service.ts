import type { Broker } from '@fillwire/events';
import { IdentityError } from './identity-error';
import type { IdentityRepository } from './identity.repository';
import {
  IdentifierSchema,
  type ApiKeyRecord,
  type BrokerAccount,
  type Principal,
  type User,
  type UserRole,
} from './identity.schema';
import { hashSecret, newKeyId, newSecretToken } from './secret-token';

export interface IdentityServiceOptions {
  /** Session token lifetime (default 12 h). */
  sessionTtlMs?: number;
  /**
   * How long an authentication result is reused in this process (default 1 s; 0 = never). Bounds
   * the cost per request; a revoked key stops working within this time.
   */
  authCacheMs?: number;
  now?: () => number;
}

interface CachedAuth {
  principal: Principal | null;
  until: number;
}

/**
 * Users, API keys (stored as SHA-256, the key itself shown once), broker accounts and short-lived
 * session tokens. Every service that authenticates callers (order-api, notifier) uses this.
 */
export class IdentityService {
  private readonly sessionTtlMs: number;
  private readonly authCacheMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CachedAuth>();

  constructor(
    readonly repository: IdentityRepository,
    options: IdentityServiceOptions = {},
  ) {
    this.sessionTtlMs = options.sessionTtlMs ?? 12 * 3_600_000;
    this.authCacheMs = options.authCacheMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  async addUser(input: { id: string; name?: string; role?: UserRole }): Promise<{ user: User; created: boolean }> {
    const id = this.identifier(input.id, 'user id');
    const user: User = { id, name: input.name ?? id, role: input.role ?? 'user', createdAt: this.now() };
    const created = await this.repository.createUser(user);
    return { user: created ? user : ((await this.repository.getUser(id)) ?? user), created };
  }

  async setRole(userId: string, role: UserRole): Promise<User> {
    const user = await this.requireUser(userId);
    const updated = { ...user, role };
    await this.repository.saveUser(updated);
    return updated;
  }

  listUsers(): Promise<User[]> {
    return this.repository.listUsers();
  }

  getUser(userId: string): Promise<User | null> {
    return this.repository.getUser(userId);
  }

  /** Issues a new API key. The returned `apiKey` is the only time it exists in clear text. */
  async issueKey(userId: string, label: string | null = null): Promise<{ apiKey: string; record: ApiKeyRecord }> {
    await this.requireUser(userId);
    const apiKey = newSecretToken('key');
    const record = await this.storeKey(userId, apiKey, newKeyId(), label);
    return { apiKey, record };
  }

  /**
   * Registers a key chosen elsewhere (demo keys from the environment). Idempotent: the same key for
   * the same user is kept once under `keyId`.
   */
  async importKey(userId: string, apiKey: string, keyId: string, label: string | null = null): Promise<ApiKeyRecord> {
    await this.requireUser(userId);
    const existing = await this.repository.getApiKey(hashSecret(apiKey));
    if (existing) {
      if (existing.userId !== userId) throw new IdentityError('this API key belongs to another user', 'conflict');
      return existing;
    }
    // A new key under the same id replaces the old one (a demo key changed between runs).
    const id = this.identifier(keyId, 'key id');
    if (await this.repository.apiKeyExists(id)) await this.revokeKey(id);
    return this.storeKey(userId, apiKey, id, label);
  }

  listKeys(userId: string): Promise<ApiKeyRecord[]> {
    return this.repository.listApiKeys(userId);
  }

  /** Revokes a key and (through the key check) every session issued for it. */
  async revokeKey(keyId: string): Promise<ApiKeyRecord> {
    const record = await this.repository.deleteApiKey(keyId);
    if (!record) throw new IdentityError(`no API key ${keyId}`, 'not-found');
    this.cache.clear();
    return record;
  }

  async linkAccount(userId: string, broker: Broker, accountId: string): Promise<{ account: BrokerAccount; linked: boolean }> {
    await this.requireUser(userId);
    const account: BrokerAccount = { accountId: this.identifier(accountId, 'account id'), broker, userId, linkedAt: this.now() };
    const { linked, existing } = await this.repository.linkAccount(account);
    if (linked) return { account, linked };
    if (existing && existing.userId === userId && existing.broker === broker) return { account: existing, linked: false };
    throw new IdentityError(
      `account ${accountId} is already linked to ${existing ? `${existing.userId} (${existing.broker})` : 'someone else'}`,
      'conflict',
    );
  }

  listAccounts(userId: string): Promise<BrokerAccount[]> {
    return this.repository.listAccounts(userId);
  }

  accountOwners(): Promise<Record<string, string>> {
    return this.repository.accountOwners();
  }

  /** Issues a short-lived session token for a valid API key (dashboard, WebSocket clients). */
  async issueSession(apiKey: string, ttlMs = this.sessionTtlMs): Promise<{ token: string; expiresAt: number; userId: string } | null> {
    const record = await this.repository.getApiKey(hashSecret(apiKey));
    if (!record) return null;
    const token = newSecretToken('session');
    const expiresAt = this.now() + ttlMs;
    await this.repository.saveSession(hashSecret(token), { userId: record.userId, keyId: record.keyId, expiresAt }, ttlMs);
    return { token, expiresAt, userId: record.userId };
  }

  /** Who holds this API key or session token, with their accounts; null when it is not valid. */
  async authenticate(secret: string | null | undefined): Promise<Principal | null> {
    if (!secret || secret.length < 16 || secret.length > 512) return null;
    const hash = hashSecret(secret);
    const now = this.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const principal = await this.resolve(hash, now);
    if (this.authCacheMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { principal, until: now + this.authCacheMs });
    }
    return principal;
  }

  private async resolve(hash: string, now: number): Promise<Principal | null> {
    const { apiKey, session } = await this.repository.lookupSecret(hash);
    let owner: { userId: string; keyId: string; via: Principal['via'] } | null = null;
    if (apiKey) owner = { userId: apiKey.userId, keyId: apiKey.keyId, via: 'api-key' };
    else if (session && session.expiresAt > now && (await this.repository.apiKeyExists(session.keyId))) {
      owner = { userId: session.userId, keyId: session.keyId, via: 'session' };
    }
    if (!owner) return null;
    const [user, accounts] = await Promise.all([this.repository.getUser(owner.userId), this.repository.listAccounts(owner.userId)]);
    if (!user) return null;
    return { userId: user.id, role: user.role, via: owner.via, keyId: owner.keyId, accounts };
  }

  private async storeKey(userId: string, apiKey: string, keyId: string, label: string | null): Promise<ApiKeyRecord> {
    const record: ApiKeyRecord = { keyId, userId, label, hint: `${apiKey.slice(0, 8)}…`, createdAt: this.now() };
    await this.repository.saveApiKey(hashSecret(apiKey), record);
    return record;
  }

  private async requireUser(userId: string): Promise<User> {
    const user = await this.repository.getUser(userId);
    if (!user) throw new IdentityError(`no user ${userId}`, 'not-found');
    return user;
  }

  private identifier(value: string, what: string): string {
    const parsed = IdentifierSchema.safeParse(value);
    if (!parsed.success) throw new IdentityError(`invalid ${what} "${value}": ${parsed.error.issues[0]?.message}`, 'invalid');
    return parsed.data;
  }
}
