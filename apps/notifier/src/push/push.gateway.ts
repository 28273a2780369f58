import type { IncomingMessage } from 'node:http';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import type { ClientMessage } from './client-message.schema';
import { PushService } from './push.service';

/** Bigger client messages are refused by `ws` itself (close 1009); ours are a few hundred bytes. */
const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;

/**
 * `ws://host:3001/ws` on the HTTP server of the app (WsAdapter). Messages arrive parsed and
 * validated by the adapter's parser (configure-app.ts): `{event: action, data: message}`.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_CLIENT_MESSAGE_BYTES })
export class PushGateway implements OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly push: PushService) {}

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    socket.on('pong', () => this.push.pong(socket));
    this.push.connect(socket, request);
  }

  handleDisconnect(socket: WebSocket): void {
    this.push.disconnect(socket);
  }

  @SubscribeMessage('authenticate')
  async onAuthenticate(
    @ConnectedSocket() socket: WebSocket,
    @MessageBody() message: ClientMessage,
  ): Promise<void> {
    await this.push.handle(socket, message);
  }

  @SubscribeMessage('subscribe')
  async onSubscribe(
    @ConnectedSocket() socket: WebSocket,
    @MessageBody() message: ClientMessage,
  ): Promise<void> {
    await this.push.handle(socket, message);
  }

  @SubscribeMessage('unsubscribe')
  async onUnsubscribe(
    @ConnectedSocket() socket: WebSocket,
    @MessageBody() message: ClientMessage,
  ): Promise<void> {
    await this.push.handle(socket, message);
  }

  @SubscribeMessage('ping')
  async onPing(@ConnectedSocket() socket: WebSocket, @MessageBody() message: ClientMessage): Promise<void> {
    await this.push.handle(socket, message);
  }

  @SubscribeMessage('invalid')
  async onInvalid(@ConnectedSocket() socket: WebSocket, @MessageBody() error: string): Promise<void> {
    await this.push.handle(socket, { action: 'invalid', error });
  }
}
