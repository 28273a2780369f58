import { Module } from '@nestjs/common';
import { BrokersModule } from '../brokers/brokers.module';
import { PortfolioModule } from '../portfolio/portfolio.module';
import { AutomationProcessor } from './automation.processor';

/** Stop-loss/target/trailing exits (OCO), last prices, MIS square-off. */
@Module({
  imports: [PortfolioModule, BrokersModule],
  providers: [AutomationProcessor],
  exports: [AutomationProcessor],
})
export class AutomationModule {}
