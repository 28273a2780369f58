import type { BrokerAdapter } from '@fillwire/broker-adapters';
import type { Broker } from '@fillwire/events';

/** The broker calls automation makes: the adapter's own methods (same path as order-api). */
export type BrokerCommands = Pick<BrokerAdapter, 'placeOrder' | 'cancelOrder' | 'modifyOrder'>;

/** Finds the connected adapter of an account; null when this replica has none for it. */
export interface BrokerCommandsRegistry {
  forAccount(broker: Broker, accountId: string): BrokerCommands | null;
}
