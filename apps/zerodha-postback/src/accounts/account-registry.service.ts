import { Injectable } from '@nestjs/common';
import { InjectAppConfig } from '@fillwire/observability';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';
import type { KiteAccount } from './kite-account.schema';

/** The configured Kite accounts (Kite user id → Fillwire user) and the apps they log in through. */
@Injectable()
export class AccountRegistry {
  private readonly byId: ReadonlyMap<string, KiteAccount>;
  private readonly appSecrets: readonly string[];

  constructor(@InjectAppConfig() config: Pick<ZerodhaPostbackConfig, 'accounts' | 'KITE_API_SECRET'>) {
    this.byId = new Map(config.accounts.map((a) => [a.accountId, a]));
    this.appSecrets = [...new Set([config.KITE_API_SECRET, ...config.accounts.map((a) => a.apiSecret)])];
  }

  find(accountId: string): KiteAccount | undefined {
    return this.byId.get(accountId);
  }

  all(): KiteAccount[] {
    return [...this.byId.values()];
  }

  /** Every configured Kite app's secret: a postback checksum may match any of them. */
  secrets(): readonly string[] {
    return this.appSecrets;
  }
}
