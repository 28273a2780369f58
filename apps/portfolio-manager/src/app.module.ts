import { Module } from '@nestjs/common';
import { EventBusModule } from '@fillwire/event-bus';
import { AutomationModule } from './automation/automation.module';
import { PortfolioModule } from './portfolio/portfolio.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';

/**
 * portfolio-manager's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed PortfolioManagerConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({
  imports: [
    EventBusModule.forRoot({ service: 'portfolio-manager' }),
    PortfolioModule,
    AutomationModule,
    ReconciliationModule,
  ],
})
export class AppModule {}
