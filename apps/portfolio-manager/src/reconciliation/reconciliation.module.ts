import { Module } from '@nestjs/common';
import { BrokersModule } from '../brokers/brokers.module';
import { PortfolioModule } from '../portfolio/portfolio.module';
import { ReconciliationProcessor } from './reconciliation.processor';

/** Periodic comparison with the brokers' order books and positions. */
@Module({ imports: [PortfolioModule, BrokersModule], providers: [ReconciliationProcessor] })
export class ReconciliationModule {}
