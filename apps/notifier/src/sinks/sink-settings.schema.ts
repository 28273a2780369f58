import { z } from 'zod';
import { WEBHOOK_EVENT_NAMES } from './esb-envelope';

/** A user's own delivery targets: a webhook and/or a Telegram chat. Secrets are write-only. */
export const SinkSettingsSchema = z
  .object({
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        /** HMAC-SHA256 key for the X-Fillwire-Signature header (at least 16 characters). */
        secret: z.string().min(16).max(256),
        events: z.array(z.enum(WEBHOOK_EVENT_NAMES)).min(1).default(['order_notification']),
      })
      .nullable()
      .default(null),
    telegram: z
      .object({ chatId: z.union([z.string().min(1).max(64), z.number().int()]).transform(String) })
      .nullable()
      .default(null),
  })
  .strict();
export type SinkSettings = z.infer<typeof SinkSettingsSchema>;

/** What the API shows back: never the webhook secret. */
export function publicSettings(s: SinkSettings): object {
  return {
    webhook: s.webhook ? { url: s.webhook.url, events: s.webhook.events, secret: '(set)' } : null,
    telegram: s.telegram,
  };
}
