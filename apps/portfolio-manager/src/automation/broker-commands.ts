import type { BrokerAdapter } from '@fillwire/broker-adapters';
import type { Broker } from '@fillwire/events';

/**
 * The broker calls automation and reconciliation make: the adapter's own methods (same path as
 * order-api), reads paced within the broker's limits by the implementation.
 */
export type BrokerCommands = Pick<
  BrokerAdapter,
  'placeOrder' | 'cancelOrder' | 'modifyOrder' | 'getOrderBook' | 'getPositions'
>;

/** Finds the broker access of an account; null when this replica cannot reach it. */
export interface BrokerCommandsRegistry {
  forAccount(broker: Broker, accountId: string): BrokerCommands | null;
}
