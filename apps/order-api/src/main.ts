import { bootService } from '@fillwire/observability';
import { AppModule } from './app.module';
import { OrderApiConfigSchema } from './config/order-api-config.schema';

void bootService(AppModule, { name: 'order-api', configSchema: OrderApiConfigSchema });
