import { Global, Module } from '@nestjs/common';
import { BrokerAccountsService } from './broker-accounts.service';

@Global()
@Module({ providers: [BrokerAccountsService], exports: [BrokerAccountsService] })
export class BrokersModule {}
