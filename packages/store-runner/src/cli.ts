#!/usr/bin/env node
import { assertNamespace } from '@loja/provisioning';
import { banner } from './banner';
import { cliServiceEnv, servicesFromEnv } from './cli-env';
import { dropStore } from './drop-store';
import { startStore, withoutCredentials, type RunningStore } from './start-store';

const USAGE = `Usage: npm run store [-- --reset]

Runs the whole store natively against your PostgreSQL and RabbitMQ and stops it on Ctrl-C.
  --reset   drop the namespace's vhost and databases first (all of the store's data)
Settings come from the environment: see packages/store-runner/README.md.`;

const say = (line: string) => console.log(`  ${line}`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((arg) => arg !== '--reset');
  if (unknown.length) {
    console.error(`unknown argument: ${unknown.join(' ')}\n\n${USAGE}`);
    process.exit(2);
  }
  const namespace = assertNamespace(process.env.STORE_NAMESPACE || 'loja');
  const services = servicesFromEnv(process.env);

  const starting = new AbortController();
  let store: RunningStore | undefined;
  let stoppingSince: number | undefined;
  const stop = async () => {
    console.log('\nStopping the store… (Ctrl-C again to kill the services at once)');
    await store?.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // `npm run` forwards the terminal's SIGINT, which reaches this process directly as well: a
      // repeat within a moment is the same Ctrl-C.
      if (Date.now() - stoppingSince < 1500) return;
      // A real second Ctrl-C: no more waiting; the exit hook SIGKILLs the services.
      console.log(`\n${signal} again: killing the services.`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    if (store) void stop();
    else starting.abort(new Error(`${signal} during start`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  console.log(`Starting the Loja store "${namespace}"`);
  if (args.includes('--reset')) {
    say(`--reset: dropping vhost "${namespace}" and databases ${namespace}_*`);
    await dropStore(namespace);
  }
  const extras = cliServiceEnv(process.env);
  try {
    store = await startStore({
      namespace,
      services,
      env: extras.env,
      serviceEnv: extras.serviceEnv,
      onProgress: say,
      signal: starting.signal,
    });
  } catch (error) {
    if (starting.signal.aborted) {
      console.log('Start interrupted; everything started so far is stopped.');
      process.exit(0);
    }
    throw error;
  }
  if (stoppingSince !== undefined) return stop();
  console.log(
    banner(store, {
      shippingDelayMs: extras.shippingDelayMs,
      externalSmtp: process.env.SMTP_URL ? withoutCredentials(process.env.SMTP_URL) : undefined,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(`\nThe store did not start:\n${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
