import { z } from 'zod';

/**
 * The fields a postback must have before anything else is looked at: the checksum covers
 * order_id + order_timestamp, and the account is `user_id` (Kite user id). The rest of the order is
 * validated by the Kite order normalizer.
 */
export const PostbackHeadSchema = z.looseObject({
  order_id: z.string().min(1),
  order_timestamp: z.string().min(1),
  checksum: z.string().optional(),
  user_id: z.string().min(1).optional(),
  account_id: z.string().min(1).optional(),
  placed_by: z.string().min(1).optional(),
});
export type PostbackHead = z.infer<typeof PostbackHeadSchema>;

/** What the controller sends back. */
export interface PostbackReply {
  httpStatus: 200 | 202 | 400 | 401 | 503;
  body: {
    status: 'ok' | 'ignored' | 'error';
    message?: string;
    id?: string;
    duplicate?: boolean;
    stale?: boolean;
  };
}
