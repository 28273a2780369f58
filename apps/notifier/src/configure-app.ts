import type { INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { parseClientMessage } from './push/client-message.schema';

/**
 * The `ws` adapter with our protocol's parser: `{"action": ...}` messages become Nest events named
 * by the action; anything invalid becomes an `invalid` event carrying the reason.
 */
export function configureNotifierApp(app: INestApplication): void {
  app.useWebSocketAdapter(
    new WsAdapter(app, {
      messageParser: (data: unknown) => {
        const parsed = parseClientMessage(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
        return parsed.ok
          ? { event: parsed.message.action, data: parsed.message }
          : { event: 'invalid', data: parsed.error };
      },
    }),
  );
}
