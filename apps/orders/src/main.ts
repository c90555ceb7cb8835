import './tracing';
import 'reflect-metadata';
import { bootstrapService } from '@loja/service-kit';
import { AppModule } from './app.module';
import { beforeBodyParsing, configureApp } from './configure-app';

void bootstrapService(AppModule, { service: 'orders', defaultPort: 3000, beforeBodyParsing, configure: configureApp });
