import type { BrokerConnectionState } from '@fillwire/events';

/**
 * Allowed moves of a gateway account's connection (issue 4): disconnected → connecting → connected
 * → synced (gap fill done); any live state → degraded (socket down, polling) → connecting again;
 * stood-down is final until an operator restarts it. `disconnected` is also where a stop ends.
 */
const TRANSITIONS: Readonly<Record<BrokerConnectionState, readonly BrokerConnectionState[]>> = {
  disconnected: ['connecting', 'stood-down'],
  connecting: ['connected', 'degraded', 'stood-down', 'disconnected'],
  connected: ['synced', 'degraded', 'stood-down', 'disconnected'],
  synced: ['degraded', 'stood-down', 'disconnected'],
  degraded: ['connecting', 'stood-down', 'disconnected'],
  'stood-down': ['disconnected'],
};

export interface ConnectionTransition {
  from: BrokerConnectionState;
  to: BrokerConnectionState;
  reason: string | null;
  at: number;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: BrokerConnectionState,
    readonly to: BrokerConnectionState,
  ) {
    super(`connection state: ${from} → ${to} is not allowed`);
    this.name = 'IllegalTransitionError';
  }
}

/** One account's connection state; every move is explicit and checked against the table above. */
export class ConnectionStateMachine {
  private current: BrokerConnectionState = 'disconnected';
  private lastReason: string | null = null;
  private readonly listeners = new Set<(t: ConnectionTransition) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  get state(): BrokerConnectionState {
    return this.current;
  }

  /** Why the account is in its state (null when routine). */
  get reason(): string | null {
    return this.lastReason;
  }

  static canMove(from: BrokerConnectionState, to: BrokerConnectionState): boolean {
    return TRANSITIONS[from].includes(to);
  }

  can(to: BrokerConnectionState): boolean {
    return ConnectionStateMachine.canMove(this.current, to);
  }

  /** Moves to `to`, or throws IllegalTransitionError (a caller bug, never a broker condition). */
  moveTo(to: BrokerConnectionState, reason: string | null = null): ConnectionTransition {
    if (!this.can(to)) throw new IllegalTransitionError(this.current, to);
    const transition: ConnectionTransition = { from: this.current, to, reason, at: this.now() };
    this.current = to;
    this.lastReason = reason;
    for (const listener of this.listeners) listener(transition);
    return transition;
  }

  onTransition(listener: (t: ConnectionTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
