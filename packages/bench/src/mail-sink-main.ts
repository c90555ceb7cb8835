import { startCountingSmtpSink } from './counting-smtp-sink';

/**
 * `node dist/mail-sink-main.js`: the bench's counting mail sink as a process of its own, on free ports of
 * 127.0.0.1. Prints `{"smtpUrl": …, "countUrl": …}` as one line once listening; stops on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const sink = await startCountingSmtpSink();
  process.stdout.write(`${JSON.stringify({ smtpUrl: sink.smtpUrl, countUrl: sink.countUrl })}\n`);
  const stop = () => void sink.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench mail sink cannot start: ${String(error)}\n`);
  process.exit(1);
});
