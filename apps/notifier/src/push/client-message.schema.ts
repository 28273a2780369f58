import { z } from 'zod';
import { PUSH_CHANNELS } from './push-frames';

const entryId = z.string().regex(/^\d+(-\d+)?$/, 'expected an event id like 1767239110000-0');
const secret = z.string().min(1).max(512);

export const AuthenticateMessageSchema = z
  .object({
    action: z.literal('authenticate'),
    apikey: secret.optional(),
    token: secret.optional(),
    lastEventId: entryId.optional(),
  })
  .refine((m) => m.apikey !== undefined || m.token !== undefined, 'apikey or token is required');

export const SubscribeMessageSchema = z.object({
  action: z.literal('subscribe'),
  channels: z
    .array(z.enum(PUSH_CHANNELS))
    .min(1)
    .default([...PUSH_CHANNELS]),
  /** Only these of the user's accounts; all of them when absent. */
  accounts: z.array(z.string().min(1)).min(1).optional(),
  /** Resume after this frame id: missed events first, then live ones. */
  lastEventId: entryId.optional(),
});

export const UnsubscribeMessageSchema = z.object({
  action: z.literal('unsubscribe'),
  channels: z
    .array(z.enum(PUSH_CHANNELS))
    .min(1)
    .default([...PUSH_CHANNELS]),
});

export const PingMessageSchema = z.object({ action: z.literal('ping') });

export const ClientMessageSchema = z.discriminatedUnion('action', [
  AuthenticateMessageSchema,
  SubscribeMessageSchema,
  UnsubscribeMessageSchema,
  PingMessageSchema,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>;

/** A client message or the reason it is not one. */
export function parseClientMessage(
  raw: string,
): { ok: true; message: ClientMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`)
      .join('; '),
  };
}
