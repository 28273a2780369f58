import { Injectable } from '@nestjs/common';
import {
  BROKER_REST_CALLS_METRIC,
  ZerodhaAdapter,
  type BrokerRestCallCounter,
} from '@fillwire/broker-adapters';
import { InjectAppConfig, MetricsService } from '@fillwire/observability';
import type { KiteAccount } from '../accounts/kite-account.schema';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';

/** Builds one ZerodhaAdapter per account (REST through kiteconnect, ticker through KiteOrderStream). */
@Injectable()
export class KiteAdapterFactory {
  private readonly restCalls: BrokerRestCallCounter;

  constructor(
    @InjectAppConfig() private readonly config: ZerodhaPostbackConfig,
    metrics: MetricsService,
  ) {
    this.restCalls = metrics.counter(BROKER_REST_CALLS_METRIC);
  }

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
      restCalls: this.restCalls,
    });
  }
}
