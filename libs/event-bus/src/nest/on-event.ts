import { SetMetadata } from '@nestjs/common';
import type { EventType } from '@fillwire/events';

export const ON_EVENT_METADATA = 'fillwire:on-event';

/**
 * Registers a provider method as an engine handler for these event types (`'*'` = every event, a
 * general handler) when the app boots, e.g. `@OnEvent('order.updated') onOrder(e: EventEnvelope<…>)`.
 * Same as calling `engine.register(type, fn)` in `onModuleInit`.
 */
export const OnEvent = (...types: readonly [EventType | '*', ...(EventType | '*')[]]): MethodDecorator =>
  SetMetadata(ON_EVENT_METADATA, types);
