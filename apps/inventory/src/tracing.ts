// Imported first by main.ts: tracing must start before Nest, express and pg are loaded.
import { startTracing } from '@loja/service-kit/tracing';

startTracing('inventory');
