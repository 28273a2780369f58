import { Global, Module } from '@nestjs/common';
import { BrokerAccountsService } from './broker-accounts.service';
import { XtsSessionRepository } from './xts-session.repository';

@Global()
@Module({ providers: [BrokerAccountsService, XtsSessionRepository], exports: [BrokerAccountsService] })
export class BrokersModule {}
