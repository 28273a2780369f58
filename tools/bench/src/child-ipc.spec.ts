import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { nextMessage, requestChild } from './child-ipc';

type Msg = { type: 'ready'; n: number } | { type: 'done' } | { type: 'error'; message: string };

/** A stand-in for a forked child: what it is sent, and messages/exit we emit on its behalf. */
function fakeChild(): ChildProcess & { sent: unknown[] } {
  const child = new EventEmitter() as EventEmitter & { sent: unknown[]; send: (m: unknown) => boolean };
  child.sent = [];
  child.send = (m) => {
    child.sent.push(m);
    return true;
  };
  return child as unknown as ChildProcess & { sent: unknown[] };
}

describe('child IPC', () => {
  it('resolves with the first message of the type asked for, skipping others', async () => {
    const child = fakeChild();
    const ready = nextMessage<Msg, 'ready'>(child, 'ready', 1000);
    child.emit('message', { type: 'done' });
    child.emit('message', { type: 'ready', n: 7 });
    await expect(ready).resolves.toEqual({ type: 'ready', n: 7 });
    expect(child.listenerCount('message')).toBe(0);
  });

  it('sends the request, then waits for the reply', async () => {
    const child = fakeChild();
    const done = requestChild<Msg, 'done'>(child, { type: 'go' }, 'done', 1000);
    expect(child.sent).toEqual([{ type: 'go' }]);
    child.emit('message', { type: 'done' });
    await expect(done).resolves.toEqual({ type: 'done' });
  });

  it('rejects on an error message, on exit and on timeout', async () => {
    const failing = fakeChild();
    const a = nextMessage<Msg, 'done'>(failing, 'done', 1000);
    failing.emit('message', { type: 'error', message: 'no simulator' });
    await expect(a).rejects.toThrow('no simulator');

    const exiting = fakeChild();
    const b = nextMessage<Msg, 'done'>(exiting, 'done', 1000);
    exiting.emit('exit', 1);
    await expect(b).rejects.toThrow(/exited \(1\)/);

    await expect(nextMessage<Msg, 'done'>(fakeChild(), 'done', 10)).rejects.toThrow(/no "done"/);
  });
});
