import { ClientSession, type PushSocket } from './client-session';
import { compareEntryIds, type PushEvent } from './push-frames';

class FakeSocket implements PushSocket {
  bufferedAmount = 0;
  readyState = 1;
  sent: string[] = [];
  closedWith?: number;
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
}

const event = (
  entryId: string,
  accountId = 'AB1234',
  channel: PushEvent['channel'] = 'orders',
): PushEvent => ({
  entryId,
  channel,
  accountId,
  receivedAt: 0,
  text: entryId,
});

function session(limits = { maxBufferedBytes: 1000, maxQueuedFrames: 3 }) {
  const socket = new FakeSocket();
  const slow: string[] = [];
  const s = new ClientSession(
    socket,
    {
      userId: 'demo',
      accountIds: ['AB1234', 'JN0001'],
      accounts: [
        { broker: 'zerodha', accountId: 'AB1234' },
        { broker: 'jainam', accountId: 'JN0001' },
      ],
    },
    limits,
    (_, why) => slow.push(why),
  );
  s.subscribe(['orders', 'notifications']);
  return { socket, s, slow };
}

describe('ClientSession', () => {
  it('sends only own accounts and subscribed channels', () => {
    const { socket, s } = session();
    s.offer(event('1-0'));
    s.offer(event('2-0', 'CD5678'));
    s.offer(event('3-0', 'AB1234', 'positions'));
    s.offer({ entryId: '4-0', channel: 'notifications', userId: 'demo', receivedAt: 0, text: '4-0' });
    s.offer({ entryId: '5-0', channel: 'notifications', userId: 'demo2', receivedAt: 0, text: '5-0' });
    expect(socket.sent).toEqual(['1-0', '4-0']);
  });

  it('joins a catch-up read and the live tail without gaps or duplicates, in log order', () => {
    const { socket, s } = session({ maxBufferedBytes: 1000, maxQueuedFrames: 100 });
    s.beginCatchUp();
    // Live events arrive while the log is being read; the read overlaps them.
    s.offer(event('5-0'));
    s.offer(event('6-0'));
    for (const id of ['3-0', '4-0', '5-0']) s.replay(event(id));
    s.offer(event('7-0'));
    s.endCatchUp();
    s.offer(event('6-0'));
    s.offer(event('8-0'));
    expect(socket.sent).toEqual(['3-0', '4-0', '5-0', '6-0', '7-0', '8-0']);
  });

  it('reports a client whose socket buffer or catch-up queue is over its bound', () => {
    const a = session();
    a.socket.bufferedAmount = 5000;
    a.s.offer(event('1-0'));
    expect(a.slow).toEqual(['send buffer over 1000 bytes']);
    expect(a.socket.sent).toEqual([]);

    const b = session();
    b.s.beginCatchUp();
    for (const id of ['1-0', '2-0', '3-0', '4-0']) b.s.offer(event(id));
    expect(b.slow).toEqual(['more than 3 frames queued while catching up']);
  });

  it('skips what a resync snapshot already covers', () => {
    const { socket, s } = session();
    s.skipTo('10-0');
    s.offer(event('9-5'));
    s.offer(event('10-1'));
    expect(socket.sent).toEqual(['10-1']);
  });
});

describe('compareEntryIds', () => {
  it('orders ids numerically, beyond 2^53 and by sequence', () => {
    expect(compareEntryIds('9-0', '10-0')).toBe(-1);
    expect(compareEntryIds('1767239110000-2', '1767239110000-10')).toBe(-1);
    expect(compareEntryIds('99999999999999999999-0', '99999999999999999998-9')).toBe(1);
    expect(compareEntryIds('5', '5-0')).toBe(0);
  });
});
