import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { EventEngine, type Handler } from '@fillwire/event-engine';
import type { EventType } from '@fillwire/events';
import type { FillwireEventMap } from './event-bus-options';
import { ON_EVENT_METADATA } from './on-event';

type AnyHandler = Handler<{ type: string; data: unknown }>;

/** Finds `@OnEvent` methods on the app's providers and registers them with the engine. */
@Injectable()
export class EventHandlerDiscoveryService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Registers every decorated method; returns `Class.method` names per type, for logs. */
  registerAll(engine: EventEngine<FillwireEventMap>): Map<string, string[]> {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      // Request-scoped and not-yet-built providers have no instance to call.
      if (!wrapper.isDependencyTreeStatic() || typeof instance !== 'object' || instance === null) continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const types = this.reflector.get<readonly (EventType | '*')[] | undefined>(
          ON_EVENT_METADATA,
          fn as (...args: unknown[]) => unknown,
        );
        if (!types?.length) continue;
        const name = `${instance.constructor.name}.${method}`;
        const handler: AnyHandler = (fn as AnyHandler).bind(instance);
        // Engine stats and dead letters name handlers by function name.
        Object.defineProperty(handler, 'name', { value: name });
        for (const type of types) {
          const untyped = engine as unknown as EventEngine;
          if (type === '*') untyped.registerGeneral(handler);
          else untyped.register(type, handler);
          found.set(type, [...(found.get(type) ?? []), name]);
        }
      }
    }
    return found;
  }
}
