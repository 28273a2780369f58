import { bootService } from '@fillwire/observability';
import { AppModule } from './app.module';
import { PortfolioManagerConfigSchema } from './config/portfolio-manager-config.schema';

void bootService(AppModule, { name: 'portfolio-manager', configSchema: PortfolioManagerConfigSchema });
