import { bootService } from '@fillwire/observability';
import { AppModule } from './app.module';
import { JainamGatewayConfigSchema } from './config/jainam-gateway-config.schema';

void bootService(AppModule, { name: 'jainam-gateway', configSchema: JainamGatewayConfigSchema });
