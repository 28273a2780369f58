import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';

/** Collects items and lets a test wait (on arrival, not by polling) for a condition over them. */
export class Inbox<T> {
  readonly items: T[] = [];
  private readonly waiters = new Set<() => void>();

  push(item: T): void {
    this.items.push(item);
    for (const wake of [...this.waiters]) wake();
  }

  until<R>(check: (items: T[]) => R | undefined | false, what: string, timeoutMs = 5_000): Promise<R> {
    return new Promise((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check(this.items);
        if (value === undefined || value === false) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const wake = (): void => void attempt();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what} (${this.items.length} items)`));
      }, timeoutMs);
      if (!attempt()) this.waiters.add(wake);
    });
  }
}

export interface PostbackReceiver {
  url: string;
  inbox: Inbox<{ body: Record<string, unknown>; contentType: string | undefined }>;
  close(): Promise<void>;
}

/** A local HTTP server standing in for zerodha-postback. */
export async function startPostbackReceiver(): Promise<PostbackReceiver> {
  const inbox: PostbackReceiver['inbox'] = new Inbox();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      try {
        inbox.push({
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          contentType: req.headers['content-type'],
        });
      } catch {
        inbox.push({
          body: { unparsable: Buffer.concat(chunks).toString('utf8') },
          contentType: req.headers['content-type'],
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/zerodha/postback`,
    inbox,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TickerMessage = { kind: 'text'; text: string } | { kind: 'binary'; data: Buffer };

/** A raw `ws` ticker client that records every frame. */
export async function openTicker(url: string): Promise<{ ws: WebSocket; inbox: Inbox<TickerMessage> }> {
  const inbox = new Inbox<TickerMessage>();
  const ws = new WebSocket(url);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    inbox.push(isBinary ? { kind: 'binary', data } : { kind: 'text', text: data.toString('utf8') });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, inbox };
}
