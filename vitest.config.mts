import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the tests so NestJS decorators get their metadata (esbuild emits none).
const nest = () => swc.vite({ jsc: { target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } } });

/**
 * One run, three kinds of test (by suffix): `.unit.spec` (pure logic), `.int.spec` (one service or
 * package on the real PostgreSQL and RabbitMQ), `.e2e.spec` (the whole store as processes).
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results/vitest.json' },
    projects: [
      {
        plugins: [nest()],
        test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['{apps,packages}/*/src/**/*.unit.spec.ts'] },
      },
      {
        plugins: [nest()],
        test: {
          name: 'int',
          sequence: { groupOrder: 1 },
          include: ['{apps,packages}/*/{src,test}/**/*.int.spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        plugins: [nest()],
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['apps/*/test/**/*.e2e.spec.ts', 'e2e/**/*.e2e.spec.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
