import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { XtsSession, XtsSessionStore } from './xts-session.store';

/** Fault injection hook: call `send` zero, one or several times, now or later. */
export type XtsDeliver = (channel: 'xts-socket', key: string, send: () => void) => void;

interface EngineConnection {
  readonly readyState: string;
  on(event: 'upgrade', listener: (transport: { close(): void }) => void): unknown;
}

/**
 * Sends the namespace DISCONNECT (clients see "io server disconnect" and do not reconnect), then
 * closes the connection once the packets already queued (an `error`, a `logout`) are written.
 * Closing with discard avoids engine.io's orderly polling close, which waits up to 30 s for a poll
 * that a disconnected client never sends.
 */
function serverDisconnect(socket: Socket): void {
  const conn = socket.conn;
  socket.disconnect(false);
  const queued = (conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
  if (queued === 0) conn.close(true);
  else conn.once('drain', () => conn.close(true));
}

const userRoom = (userID: string): string => `user:${userID}`;
const tokenRoom = (token: string): string => `token:${token}`;

/**
 * The interactive socket.io endpoint. socket.io v4 with `allowEIO3`, so the official SDKs (socket.io
 * client v2, EIO=3, polling first) and v4 clients both connect. Auth is the handshake query
 * (`token`, `userID`, `apiType=INTERACTIVE`): `joined` on success, `error` then disconnect otherwise.
 */
export class XtsSocketGateway {
  readonly io: Server;

  constructor(
    httpServer: HttpServer,
    private readonly sessions: XtsSessionStore,
    private readonly deliver: XtsDeliver = (_channel, _key, send) => send(),
  ) {
    this.io = new Server(httpServer, {
      path: '/interactive/socket.io',
      allowEIO3: true,
      transports: ['polling', 'websocket'],
      serveClient: false,
      cors: { origin: true },
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    // A client may finish its websocket upgrade while the server is closing the polling transport
    // (a rejected token); engine.io then keeps the new transport open on a dead session.
    this.io.engine.on('connection', (conn: EngineConnection) => {
      conn.on('upgrade', (transport: { close(): void }) => {
        if (conn.readyState !== 'open') transport.close();
      });
    });
  }

  private onConnection(socket: Socket): void {
    const query = socket.handshake.query;
    const token = typeof query.token === 'string' ? query.token : undefined;
    const userID = typeof query.userID === 'string' ? query.userID : undefined;
    const session = this.sessions.get(token);
    if (
      !session ||
      session.userID !== userID ||
      (query.apiType !== undefined && query.apiType !== 'INTERACTIVE')
    ) {
      socket.emit(
        'error',
        JSON.stringify({ type: 'error', code: 'e-session-0007', description: 'Invalid Token', result: {} }),
      );
      serverDisconnect(socket);
      return;
    }
    void socket.join([userRoom(session.userID), tokenRoom(session.token)]);
    socket.emit(
      'joined',
      JSON.stringify({
        type: 'success',
        code: 's-user-0001',
        description: 'Socket joined successfully',
        result: { userID: session.userID, clientCodes: [session.clientID], socketId: socket.id },
      }),
    );
  }

  private socketsIn(room: string): Socket[] {
    const ids = this.io.of('/').adapter.rooms.get(room);
    if (!ids) return [];
    const sockets: Socket[] = [];
    for (const id of ids) {
      const socket = this.io.of('/').sockets.get(id);
      if (socket) sockets.push(socket);
    }
    return sockets;
  }

  /** Emits straight to every joined socket of the user; returns how many sockets it reached. */
  emitToUser(userID: string, event: string, payload: string): number {
    const sockets = this.socketsIn(userRoom(userID));
    for (const socket of sockets) socket.emit(event, payload);
    return sockets.length;
  }

  /** Pushes an engine-driven event through the fault injector. */
  publish(userID: string, event: string, payload: string, key: string): void {
    this.deliver('xts-socket', key, () => {
      this.emitToUser(userID, event, payload);
    });
  }

  /** Session ended by a new login or logout: `logout`, then the server closes the socket. */
  logout(session: XtsSession, description: string): number {
    const sockets = this.socketsIn(tokenRoom(session.token));
    for (const socket of sockets) {
      socket.emit(
        'logout',
        JSON.stringify({ type: 'success', code: 's-user-0001', description, result: {} }),
      );
      serverDisconnect(socket);
    }
    return sockets.length;
  }

  /** Server-side close without a message (expired token). */
  closeSessionSockets(session: XtsSession): number {
    const sockets = this.socketsIn(tokenRoom(session.token));
    for (const socket of sockets) serverDisconnect(socket);
    return sockets.length;
  }

  /**
   * Drops the connections like a network failure would (transport close, so clients with
   * reconnection enabled come back on their own); returns how many sockets were dropped.
   */
  dropConnections(userID?: string): number {
    const sockets = userID ? this.socketsIn(userRoom(userID)) : [...this.io.of('/').sockets.values()];
    for (const socket of sockets) socket.conn.close(true);
    return sockets.length;
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    await this.io.close();
  }
}
