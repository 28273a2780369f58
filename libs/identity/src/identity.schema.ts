import { z } from 'zod';
import { BrokerSchema } from '@fillwire/events';

/** User ids and key labels travel in Redis keys and URLs: keep them plain. */
export const IdentifierSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (1-64, no ":")');

export const UserRoleSchema = z.enum(['user', 'admin']);
export type UserRole = z.infer<typeof UserRoleSchema>;

export const UserSchema = z.object({
  id: IdentifierSchema,
  name: z.string().min(1).max(128),
  role: UserRoleSchema,
  createdAt: z.number().int(),
});
export type User = z.infer<typeof UserSchema>;

/** A broker account (Kite user id, XTS client code) linked to one Fillwire user. */
export const BrokerAccountSchema = z.object({
  accountId: IdentifierSchema,
  broker: BrokerSchema,
  userId: IdentifierSchema,
  linkedAt: z.number().int(),
});
export type BrokerAccount = z.infer<typeof BrokerAccountSchema>;

/** What we keep about an API key: never the key itself, only its SHA-256. */
export const ApiKeyRecordSchema = z.object({
  keyId: IdentifierSchema,
  userId: IdentifierSchema,
  label: z.string().max(128).nullable(),
  /** The first characters of the key, to recognise it in a list. */
  hint: z.string().max(16),
  createdAt: z.number().int(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

export const SessionRecordSchema = z.object({
  userId: IdentifierSchema,
  /** The API key the session was issued for: revoking the key ends its sessions. */
  keyId: IdentifierSchema,
  expiresAt: z.number().int(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

/** An authenticated caller: who, how, and which broker accounts they may act on. */
export interface Principal {
  userId: string;
  role: UserRole;
  via: 'api-key' | 'session';
  keyId: string;
  accounts: BrokerAccount[];
}
