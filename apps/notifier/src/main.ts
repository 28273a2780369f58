import { bootService } from '@fillwire/observability';
import { AppModule } from './app.module';
import { NotifierConfigSchema } from './config/notifier-config.schema';
import { configureNotifierApp } from './configure-app';

void bootService(AppModule, {
  name: 'notifier',
  configSchema: NotifierConfigSchema,
  configure: configureNotifierApp,
});
