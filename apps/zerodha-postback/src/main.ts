import { bootService } from '@fillwire/observability';
import { AppModule } from './app.module';
import { ZerodhaPostbackConfigSchema } from './config/zerodha-postback-config.schema';

void bootService(AppModule, { name: 'zerodha-postback', configSchema: ZerodhaPostbackConfigSchema });
