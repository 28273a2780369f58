import type { Broker } from '@fillwire/events';

/** What a broker REST request does (the `operation` label of fillwire_broker_rest_calls_total). */
export type BrokerRestOperation =
  | 'login'
  | 'logout'
  | 'profile'
  | 'margins'
  | 'place'
  | 'modify'
  | 'cancel'
  | 'orders'
  | 'order_history'
  | 'order_trades'
  | 'trades'
  | 'positions'
  | 'instruments'
  | 'other';

/** Order commands: made whether updates are pushed or polled (the evaluation leaves them out). */
export const BROKER_ORDER_COMMANDS: ReadonlySet<BrokerRestOperation> = new Set(['place', 'modify', 'cancel']);

/** Counts REST requests sent to a broker; a prom-client Counter with these labels fits. */
export interface BrokerRestCallCounter {
  inc(labels: { broker: Broker; operation: BrokerRestOperation }): void;
}

/**
 * The counter every service registers and passes to its adapters: each request sent, whatever its
 * outcome (a refused or timed-out call costs the broker's rate budget too).
 */
export const BROKER_REST_CALLS_METRIC = {
  name: 'fillwire_broker_rest_calls_total',
  help: 'REST requests sent to a broker, by broker and operation (sent, whatever the outcome)',
  labelNames: ['broker', 'operation'] as const,
};

/** The operation of an XTS interactive REST request, from its method and path. */
export function xtsRestOperation(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  params?: object,
): BrokerRestOperation {
  switch (`${method} ${path}`) {
    case 'POST /user/session':
      return 'login';
    case 'DELETE /user/session':
      return 'logout';
    case 'GET /user/profile':
      return 'profile';
    case 'GET /user/balance':
      return 'margins';
    case 'POST /orders':
      return 'place';
    case 'PUT /orders':
      return 'modify';
    case 'DELETE /orders':
      return 'cancel';
    case 'GET /orders':
      return params && 'appOrderID' in params ? 'order_history' : 'orders';
    case 'GET /orders/trades':
      return 'trades';
    case 'GET /portfolio/positions':
      return 'positions';
    default:
      return 'other';
  }
}
