import type Redis from 'ioredis';
import type { z } from 'zod';
import { identityKeys, type IdentityKeys } from './identity-keys';
import {
  ApiKeyRecordSchema,
  BrokerAccountSchema,
  SessionRecordSchema,
  UserSchema,
  type ApiKeyRecord,
  type BrokerAccount,
  type SessionRecord,
  type User,
} from './identity.schema';

function parse<S extends z.ZodType>(schema: S, json: string | null): z.infer<S> | null {
  if (json === null) return null;
  const result = schema.safeParse(JSON.parse(json));
  return result.success ? result.data : null;
}

/** Users, hashed API keys, linked broker accounts and session tokens in Redis. */
export class IdentityRepository {
  readonly keys: IdentityKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = identityKeys(prefix);
  }

  /** Creates the user unless it exists; returns whether it was created. */
  async createUser(user: User): Promise<boolean> {
    const created = await this.redis.set(this.keys.user(user.id), JSON.stringify(user), 'NX');
    if (created) await this.redis.sadd(this.keys.users, user.id);
    return created === 'OK';
  }

  async saveUser(user: User): Promise<void> {
    await this.redis.multi().set(this.keys.user(user.id), JSON.stringify(user)).sadd(this.keys.users, user.id).exec();
  }

  async getUser(id: string): Promise<User | null> {
    return parse(UserSchema, await this.redis.get(this.keys.user(id)));
  }

  async listUsers(): Promise<User[]> {
    const ids = (await this.redis.smembers(this.keys.users)).sort();
    if (ids.length === 0) return [];
    const rows = await this.redis.mget(ids.map((id) => this.keys.user(id)));
    return rows.map((row) => parse(UserSchema, row)).filter((u): u is User => u !== null);
  }

  async saveApiKey(hash: string, record: ApiKeyRecord): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.apiKey(hash), JSON.stringify(record))
      .set(this.keys.keyId(record.keyId), hash)
      .sadd(this.keys.userKeys(record.userId), record.keyId)
      .exec();
  }

  async getApiKey(hash: string): Promise<ApiKeyRecord | null> {
    return parse(ApiKeyRecordSchema, await this.redis.get(this.keys.apiKey(hash)));
  }

  async apiKeyExists(keyId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.keyId(keyId))) === 1;
  }

  async listApiKeys(userId: string): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(this.keys.userKeys(userId));
    if (ids.length === 0) return [];
    const hashes = await this.redis.mget(ids.map((id) => this.keys.keyId(id)));
    const present = hashes.filter((h): h is string => h !== null);
    if (present.length === 0) return [];
    const rows = await this.redis.mget(present.map((h) => this.keys.apiKey(h)));
    return rows
      .map((row) => parse(ApiKeyRecordSchema, row))
      .filter((r): r is ApiKeyRecord => r !== null)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Deletes a key by id; returns its record, or null when there was none. */
  async deleteApiKey(keyId: string): Promise<ApiKeyRecord | null> {
    const hash = await this.redis.get(this.keys.keyId(keyId));
    if (hash === null) return null;
    const record = await this.getApiKey(hash);
    const tx = this.redis.multi().del(this.keys.apiKey(hash)).del(this.keys.keyId(keyId));
    if (record) tx.srem(this.keys.userKeys(record.userId), keyId);
    await tx.exec();
    return record;
  }

  async getAccount(accountId: string): Promise<BrokerAccount | null> {
    return parse(BrokerAccountSchema, await this.redis.get(this.keys.account(accountId)));
  }

  /** Links an account unless it is linked already (to anyone); returns the existing link otherwise. */
  async linkAccount(account: BrokerAccount): Promise<{ linked: boolean; existing: BrokerAccount | null }> {
    const created = await this.redis.set(this.keys.account(account.accountId), JSON.stringify(account), 'NX');
    if (created !== 'OK') return { linked: false, existing: await this.getAccount(account.accountId) };
    await this.redis
      .multi()
      .rpush(this.keys.userAccounts(account.userId), account.accountId)
      .hset(this.keys.accountOwners, account.accountId, account.userId)
      .exec();
    return { linked: true, existing: null };
  }

  async listAccounts(userId: string): Promise<BrokerAccount[]> {
    const ids = await this.redis.lrange(this.keys.userAccounts(userId), 0, -1);
    if (ids.length === 0) return [];
    const rows = await this.redis.mget(ids.map((id) => this.keys.account(id)));
    return rows.map((row) => parse(BrokerAccountSchema, row)).filter((a): a is BrokerAccount => a !== null);
  }

  /** accountId → userId of every linked account. */
  async accountOwners(): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.accountOwners);
  }

  async saveSession(hash: string, session: SessionRecord, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.session(hash), JSON.stringify(session), 'PX', Math.max(1, Math.round(ttlMs)));
  }

  async getSession(hash: string): Promise<SessionRecord | null> {
    return parse(SessionRecordSchema, await this.redis.get(this.keys.session(hash)));
  }

  /** The key and session records for one secret in one round trip (a secret is one or the other). */
  async lookupSecret(hash: string): Promise<{ apiKey: ApiKeyRecord | null; session: SessionRecord | null }> {
    const [apiKey, session] = await this.redis.mget(this.keys.apiKey(hash), this.keys.session(hash));
    return { apiKey: parse(ApiKeyRecordSchema, apiKey), session: parse(SessionRecordSchema, session) };
  }
}
