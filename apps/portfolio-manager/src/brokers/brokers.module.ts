import { Module } from '@nestjs/common';
import { BrokerAccountsService } from './broker-accounts.service';

/** REST access to the broker accounts (sessions shared with the gateways and order-api). */
@Module({ providers: [BrokerAccountsService], exports: [BrokerAccountsService] })
export class BrokersModule {}
