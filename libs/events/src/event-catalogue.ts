import type { z } from 'zod';
import {
  OrderCancelledSchema,
  OrderFilledSchema,
  OrderNotificationSchema,
  OrderPlacedSchema,
  OrderReconciledSchema,
  OrderRejectedSchema,
  OrderUpdatedSchema,
} from './order-events.schema';
import { AccountUpdatedSchema, PositionUpdatedSchema, TradeExecutedSchema } from './portfolio-events.schema';
import {
  AnalyzerUpdatedSchema,
  BrokerConnectedSchema,
  BrokerDisconnectedSchema,
  BrokerErrorSchema,
  FlagsUpdatedSchema,
  MasterContractDownloadedSchema,
  PasswordChangedSchema,
  TimerSchema,
} from './system-events.schema';

/** The event engine serves critical before normal before low; critical events are never dropped. */
export const EVENT_PRIORITIES = ['critical', 'normal', 'low'] as const;
export type EventPriority = (typeof EVENT_PRIORITIES)[number];

/** Producers are services (envelope `source`) or the in-process engine. */
export type EventProducer =
  | 'order-api'
  | 'zerodha-postback'
  | 'jainam-gateway'
  | 'portfolio-manager'
  | 'notifier'
  | 'paper'
  | 'event-engine';

export interface CatalogueEntry<S extends z.ZodType = z.ZodType> {
  version: number;
  schema: S;
  priority: EventPriority;
  /** False for in-process events: the bridge never forwards them to the bus. */
  busBound: boolean;
  producers: readonly EventProducer[];
  consumers: readonly string[];
  description: string;
}

// Keeps `busBound` literal so BusEventType can be computed from the catalogue.
const entry = <S extends z.ZodType, B extends boolean>(
  e: CatalogueEntry<S> & { busBound: B },
): CatalogueEntry<S> & { busBound: B } => e;

const ORDER_CONSUMERS = ['portfolio-manager', 'notifier'] as const;
const GATEWAYS = ['zerodha-postback', 'jainam-gateway', 'paper'] as const;

/** Every event Fillwire knows: name → current version, payload schema and routing facts. */
export const EVENT_CATALOGUE = {
  'order.placed': entry({
    version: 1,
    schema: OrderPlacedSchema,
    priority: 'critical',
    busBound: true,
    producers: ['order-api', 'portfolio-manager'],
    // zerodha-postback reads a new Kite order once: Kite pushes nothing for the placement itself.
    consumers: [...ORDER_CONSUMERS, 'zerodha-postback'],
    description:
      'A broker accepted a new order (REST success). Automation exits placed by portfolio-manager carry parentBrokerOrderId.',
  }),
  'order.updated': entry({
    version: 1,
    schema: OrderUpdatedSchema,
    priority: 'critical',
    busBound: true,
    producers: GATEWAYS,
    consumers: ORDER_CONSUMERS,
    description:
      'A broker order update from any channel (postback, ticker, XTS socket, polling, reconciliation), normalized. Id deterministic from the state.',
  }),
  'order.rejected': entry({
    version: 1,
    schema: OrderRejectedSchema,
    priority: 'critical',
    busBound: true,
    producers: ['order-api', 'portfolio-manager'],
    consumers: ORDER_CONSUMERS,
    description:
      'A placement refused by Fillwire (validation, risk, rate limit) or by the broker at REST time. Later rejections arrive as order.updated.',
  }),
  'order.cancelled': entry({
    version: 1,
    schema: OrderCancelledSchema,
    priority: 'critical',
    busBound: true,
    producers: ['portfolio-manager'],
    consumers: ['notifier', 'portfolio-manager'],
    description: 'An order reached CANCELLED in the merged state; once per order (deterministic id).',
  }),
  'order.filled': entry({
    version: 1,
    schema: OrderFilledSchema,
    priority: 'critical',
    busBound: true,
    producers: ['portfolio-manager'],
    consumers: ['notifier', 'portfolio-manager'],
    description:
      'An order reached FILLED in the merged state; once per order (deterministic id). Triggers OCO exits.',
  }),
  'trade.executed': entry({
    version: 1,
    schema: TradeExecutedSchema,
    priority: 'critical',
    busBound: true,
    producers: GATEWAYS,
    consumers: ORDER_CONSUMERS,
    description: 'One execution (XTS trade event, Kite trade book). Id deterministic from the trade id.',
  }),
  'order.reconciled': entry({
    version: 1,
    schema: OrderReconciledSchema,
    priority: 'critical',
    busBound: true,
    producers: ['portfolio-manager'],
    consumers: ORDER_CONSUMERS,
    description:
      "Local order state corrected from the broker's order book; lists what differed. Counted as drift.",
  }),
  'position.updated': entry({
    version: 1,
    schema: PositionUpdatedSchema,
    priority: 'normal',
    busBound: true,
    producers: ['portfolio-manager'],
    consumers: ['notifier'],
    description: 'Net position of an account, symbol and product after a fill, a price move or a correction.',
  }),
  'account.updated': entry({
    version: 1,
    schema: AccountUpdatedSchema,
    priority: 'normal',
    busBound: true,
    producers: GATEWAYS,
    consumers: ['notifier', 'portfolio-manager'],
    description: 'Funds and margin of an account changed.',
  }),
  'order.notification': entry({
    version: 1,
    schema: OrderNotificationSchema,
    priority: 'low',
    busBound: true,
    producers: ['portfolio-manager', 'order-api'],
    consumers: ['notifier'],
    description: 'A human-readable line for screens, Telegram and webhooks (OpenAlgo order_notification).',
  }),
  'broker.connected': entry({
    version: 1,
    schema: BrokerConnectedSchema,
    priority: 'normal',
    busBound: true,
    producers: ['zerodha-postback', 'jainam-gateway'],
    consumers: ['notifier', 'portfolio-manager'],
    description: 'A broker channel of an account connected or synced (gap fill done).',
  }),
  'broker.disconnected': entry({
    version: 1,
    schema: BrokerDisconnectedSchema,
    priority: 'normal',
    busBound: true,
    producers: ['zerodha-postback', 'jainam-gateway'],
    consumers: ['notifier', 'portfolio-manager'],
    description: 'A broker channel of an account dropped, degraded to polling, or stood down.',
  }),
  'broker.error': entry({
    version: 1,
    schema: BrokerErrorSchema,
    priority: 'normal',
    busBound: true,
    producers: ['zerodha-postback', 'jainam-gateway'],
    consumers: ['notifier'],
    description:
      'A broker-side error worth an operator knowing (auth failure, rate limit, logout by a second login).',
  }),
  'analyzer.updated': entry({
    version: 1,
    schema: AnalyzerUpdatedSchema,
    priority: 'low',
    busBound: true,
    producers: ['order-api'],
    consumers: ['notifier'],
    description: 'A request handled in analyzer (sandbox) mode (OpenAlgo analyzer_update).',
  }),
  'system.master-contract-downloaded': entry({
    version: 1,
    schema: MasterContractDownloadedSchema,
    priority: 'low',
    busBound: true,
    producers: ['order-api'],
    consumers: ['notifier'],
    description: 'The instrument master of a broker was downloaded (OpenAlgo master_contract_download).',
  }),
  'auth.password-changed': entry({
    version: 1,
    schema: PasswordChangedSchema,
    priority: 'low',
    busBound: true,
    producers: ['order-api'],
    consumers: ['notifier'],
    description: "A user's password was changed (OpenAlgo password_change).",
  }),
  'flags.updated': entry({
    version: 1,
    schema: FlagsUpdatedSchema,
    priority: 'normal',
    busBound: true,
    producers: ['order-api'],
    consumers: ['zerodha-postback', 'jainam-gateway', 'notifier'],
    description:
      'An admin changed the order-update rollout flags (event-driven vs polling per user); gateways switch within a second.',
  }),
  timer: entry({
    version: 1,
    schema: TimerSchema,
    priority: 'low',
    busBound: false,
    producers: ['event-engine'],
    consumers: ['any in-process handler'],
    description: "vn.py's timer event, every interval (default 1 s). In-process only: never on the bus.",
  }),
} as const;

export type EventCatalogue = typeof EVENT_CATALOGUE;
export type EventType = keyof EventCatalogue;

/** Immich-style typed map: a `switch` on the event type narrows its payload. */
export type EventMap = { [K in EventType]: z.infer<EventCatalogue[K]['schema']> };

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** The catalogue as a list, each entry with its `name` (for docs, boot checks and registries). */
export const EVENT_CATALOGUE_LIST: ReadonlyArray<CatalogueEntry & { name: EventType }> = EVENT_TYPES.map(
  (name) => ({
    name,
    ...EVENT_CATALOGUE[name],
  }),
);

export type BusEventType = {
  [K in EventType]: EventCatalogue[K]['busBound'] extends true ? K : never;
}[EventType];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);
}

export function isBusBound(type: EventType): boolean {
  return EVENT_CATALOGUE[type].busBound;
}

export function eventPriority(type: EventType): EventPriority {
  return EVENT_CATALOGUE[type].priority;
}
