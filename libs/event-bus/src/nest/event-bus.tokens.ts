/** The module's options after validation (ResolvedEventBusOptions). */
export const EVENT_BUS_OPTIONS = Symbol('fillwire:event-bus-options');
/** `{ url, prefix }` the bus connects with: the options' or the service config's. */
export const BUS_CONNECTION = Symbol('fillwire:bus-connection');

export interface BusConnection {
  url: string;
  prefix: string;
}
