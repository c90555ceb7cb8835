import './tracing';
import 'reflect-metadata';
import { bootstrapService } from '@loja/service-kit';
import { AppModule } from './app.module';

void bootstrapService(AppModule, { service: 'inventory', defaultPort: 3001 });
