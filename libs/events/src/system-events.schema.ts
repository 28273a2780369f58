import { z } from 'zod';
import { BrokerSchema, ChannelSchema } from './envelope.schema';

/** The gateway's per-account connection state machine (issue 4). */
export const BROKER_CONNECTION_STATES = [
  'disconnected',
  'connecting',
  'connected',
  'synced',
  'degraded',
  'stood-down',
] as const;
export const BrokerConnectionStateSchema = z.enum(BROKER_CONNECTION_STATES);
export type BrokerConnectionState = z.infer<typeof BrokerConnectionStateSchema>;

const brokerConnection = {
  broker: BrokerSchema,
  accountId: z.string().min(1),
  state: BrokerConnectionStateSchema.describe('state after this transition'),
  reason: z.string().nullable().describe('why, e.g. "socket closed: ping timeout"; null when routine'),
  channel: ChannelSchema.optional().describe('the connection concerned: ticker, socket, polling, ...'),
};

export const BrokerConnectedSchema = z.object({
  ...brokerConnection,
  attempt: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('reconnect attempt that succeeded; 0 on first connect'),
});
export type BrokerConnected = z.infer<typeof BrokerConnectedSchema>;

export const BrokerDisconnectedSchema = z.object({
  ...brokerConnection,
  retryInMs: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .optional()
    .describe('next reconnect attempt; null when standing down'),
});
export type BrokerDisconnected = z.infer<typeof BrokerDisconnectedSchema>;

export const BrokerErrorSchema = z.object({
  ...brokerConnection,
  code: z.string().nullable().describe('broker error code/type when given (Kite error_type, XTS code)'),
  fatal: z
    .boolean()
    .describe('true when the gateway stands down (e.g. repeated auth failure) and needs an operator'),
});
export type BrokerError = z.infer<typeof BrokerErrorSchema>;

/** OpenAlgo `analyzer_update`: a request handled in analyzer (sandbox) mode and its response. */
export const AnalyzerUpdatedSchema = z.object({
  request: z.record(z.string(), z.unknown()).describe('the API request as received (apikey removed)'),
  response: z.record(z.string(), z.unknown()).describe('the response that was returned'),
});
export type AnalyzerUpdated = z.infer<typeof AnalyzerUpdatedSchema>;

/** OpenAlgo `master_contract_download`. */
export const MasterContractDownloadedSchema = z.object({
  broker: BrokerSchema,
  status: z.enum(['success', 'error']),
  message: z.string(),
  instrumentCount: z.number().int().nonnegative().optional(),
});
export type MasterContractDownloaded = z.infer<typeof MasterContractDownloadedSchema>;

/** OpenAlgo `password_change`. */
export const PasswordChangedSchema = z.object({
  userId: z.string().min(1),
  status: z.enum(['success', 'error']),
  message: z.string(),
});
export type PasswordChanged = z.infer<typeof PasswordChangedSchema>;

/** The order-update rollout flags (architecture brief: USE_EVENT_DRIVEN_ORDERS, EVENT_DRIVEN_ROLLOUT_PERCENT). */
export const FeatureFlagsSchema = z.object({
  useEventDrivenOrders: z
    .boolean()
    .describe('global switch; false = every user is polled (rollback), whatever the other fields say'),
  rolloutPercent: z
    .number()
    .int()
    .min(0)
    .max(100)
    .describe('share of users on event-driven updates, by a stable hash of the user id mod 100'),
  optIn: z.array(z.string().min(1)).describe('users on event-driven updates whatever the percentage'),
  optOut: z.array(z.string().min(1)).describe('users kept on polling whatever the percentage'),
  version: z.number().int().nonnegative().describe('increases with every change'),
  updatedAt: z.number().describe('epoch ms of the last change'),
  updatedBy: z.string().nullable().describe('user id of the admin who changed it; null for config'),
});
export type FeatureFlags = z.infer<typeof FeatureFlagsSchema>;

export const FlagsUpdatedSchema = z.object({
  flags: FeatureFlagsSchema.describe('the flags after the change'),
  changed: z.array(z.string().min(1)).describe('names of the fields that changed'),
});
export type FlagsUpdated = z.infer<typeof FlagsUpdatedSchema>;

/** vn.py's EVENT_TIMER: in-process only, never on the bus. */
export const TimerSchema = z.object({
  intervalMs: z.number().int().positive(),
});
export type Timer = z.infer<typeof TimerSchema>;
