import { ConnectionStateMachine, type ZerodhaAdapter } from '@fillwire/broker-adapters';
import type { KiteAccount } from '../accounts/kite-account.schema';

/** What the gateway knows about one account's link to Kite. */
export class AccountConnection {
  readonly machine = new ConnectionStateMachine();
  /** A session token is in place (REST calls can be made). */
  loggedIn = false;
  /** The login flow's shared token this account last took up (null: its own login or config). */
  sharedToken: string | null = null;
  /** When the ticker went down; null while it is up. */
  tickerDownSince: number | null = Date.now();
  lastSyncAt: number | null = null;
  resyncRequested = false;
  syncing = false;
  /** A re-login was tried since the last good sync: the next auth failure stands the account down. */
  reloggedIn = false;
  /** broker.disconnected was published for the current outage (failed reconnect attempts stay quiet). */
  announcedDown = false;
  connectAttempt = 0;
  retryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly account: KiteAccount,
    readonly adapter: ZerodhaAdapter,
  ) {}

  get accountId(): string {
    return this.account.accountId;
  }
}
