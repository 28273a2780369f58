import type { EngineStats } from '@fillwire/event-engine';
import type { EventType } from '@fillwire/events';

/** The engine's name for general handlers in its stats. */
const GENERAL = '*';

/**
 * Consumed types with no handler in the engine (Immich's boot check). A type is covered by at
 * least one handler registered for it; several are fine (positions and stop-loss both follow
 * `order.updated`). A general handler covers every type only when the service consumes `'all'`:
 * for an explicit list, each listed type must have its own handler, so a logging or metrics general
 * handler cannot hide a forgotten one. Run it before the bridge registers its own general handler.
 */
export function unhandledTypes(
  stats: Pick<EngineStats, 'handlers'>,
  consumed: readonly EventType[],
  all: boolean,
): EventType[] {
  const typed = new Set(stats.handlers.map((h) => h.type));
  if (all && typed.has(GENERAL)) return [];
  return consumed.filter((type) => !typed.has(type));
}
