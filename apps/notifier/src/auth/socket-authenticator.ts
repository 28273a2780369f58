import type { SocketIdentity } from '../push/client-session';

/** Who holds a session token or API key: the user and the broker accounts they may see. */
export interface SocketAuthenticator {
  verify(secret: string): Promise<SocketIdentity | null>;
}

export const SOCKET_AUTHENTICATOR = Symbol('notifier:socket-authenticator');
