import { Injectable } from '@nestjs/common';
import { ZerodhaAdapter } from '@fillwire/broker-adapters';
import { InjectAppConfig } from '@fillwire/observability';
import type { KiteAccount } from '../accounts/kite-account.schema';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';

/** Builds one ZerodhaAdapter per account (REST through kiteconnect, ticker through KiteOrderStream). */
@Injectable()
export class KiteAdapterFactory {
  constructor(@InjectAppConfig() private readonly config: ZerodhaPostbackConfig) {}

  create(account: KiteAccount): ZerodhaAdapter {
    return new ZerodhaAdapter({
      accountId: account.accountId,
      apiKey: account.apiKey,
      apiSecret: account.apiSecret,
      ...(account.accessToken ? { accessToken: account.accessToken } : {}),
      rootUrl: this.config.KITE_ROOT_URL,
      wsUrl: this.config.KITE_WS_URL,
      // A ticker silent (no heartbeat) this long is dropped and reconnected.
      stream: { livenessMs: Math.max(2_000, this.config.ZERODHA_POLL_AFTER) },
    });
  }
}
