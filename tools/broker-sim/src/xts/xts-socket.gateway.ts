import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { XtsSession, XtsSessionStore } from './xts-session.store';

/** Fault injection hook: call `send` zero, one or several times, now or later. */
export type XtsDeliver = (channel: 'xts-socket', key: string, send: () => void) => void;

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
      // disconnect(true) waits for the write buffer to drain, so the `error` packet goes out first.
      socket.disconnect(true);
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
      socket.disconnect(true);
    }
    return sockets.length;
  }

  /** Server-side close without a message (expired token). */
  closeSessionSockets(session: XtsSession): number {
    const sockets = this.socketsIn(tokenRoom(session.token));
    for (const socket of sockets) socket.disconnect(true);
    return sockets.length;
  }

  /**
   * Drops the connections like a network failure would (transport close, so clients with
   * reconnection enabled come back on their own); returns how many sockets were dropped.
   */
  dropConnections(userID?: string): number {
    const sockets = userID ? this.socketsIn(userRoom(userID)) : [...this.io.of('/').sockets.values()];
    for (const socket of sockets) socket.conn.close();
    return sockets.length;
  }

  async close(): Promise<void> {
    this.io.disconnectSockets(true);
    await this.io.close();
  }
}
