import { BROKER_CONNECTION_STATES } from '@fillwire/events';
import { ConnectionStateMachine, IllegalTransitionError } from './connection-state-machine';

describe('ConnectionStateMachine', () => {
  it('walks the happy path and a reconnect, telling listeners each move with its reason', () => {
    const machine = new ConnectionStateMachine(() => 42);
    const seen: string[] = [];
    machine.onTransition((t) => seen.push(`${t.from}>${t.to}:${t.reason ?? ''}@${t.at}`));
    machine.moveTo('connecting');
    machine.moveTo('connected');
    machine.moveTo('synced');
    machine.moveTo('degraded', 'socket closed');
    machine.moveTo('connecting');
    machine.moveTo('connected');
    machine.moveTo('synced');
    expect(seen).toEqual([
      'disconnected>connecting:@42',
      'connecting>connected:@42',
      'connected>synced:@42',
      'synced>degraded:socket closed@42',
      'degraded>connecting:@42',
      'connecting>connected:@42',
      'connected>synced:@42',
    ]);
    expect(machine.state).toBe('synced');
  });

  it('stands down from any state but disconnected-after-stop, and stays down', () => {
    for (const from of ['disconnected', 'connecting', 'connected', 'synced', 'degraded'] as const) {
      expect(ConnectionStateMachine.canMove(from, 'stood-down')).toBe(true);
    }
    const machine = new ConnectionStateMachine();
    machine.moveTo('stood-down', 'auth failed 3 times');
    expect(machine.reason).toBe('auth failed 3 times');
    for (const to of BROKER_CONNECTION_STATES.filter((s) => s !== 'disconnected'))
      expect(machine.can(to)).toBe(false);
  });

  it('refuses skipped steps: synced only after connected, connected only after connecting', () => {
    const machine = new ConnectionStateMachine();
    expect(() => machine.moveTo('synced')).toThrow(IllegalTransitionError);
    expect(() => machine.moveTo('connected')).toThrow('disconnected → connected is not allowed');
    machine.moveTo('connecting');
    expect(() => machine.moveTo('synced')).toThrow(IllegalTransitionError);
    expect(machine.state).toBe('connecting');
  });

  it('a degraded account reconnects through connecting, never straight to connected', () => {
    expect(ConnectionStateMachine.canMove('degraded', 'connected')).toBe(false);
    expect(ConnectionStateMachine.canMove('degraded', 'connecting')).toBe(true);
    expect(ConnectionStateMachine.canMove('synced', 'connecting')).toBe(false);
  });
});
