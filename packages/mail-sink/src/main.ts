#!/usr/bin/env node
import { startMailSink } from './mail-sink';

/** `node dist/main.js`: the mail sink on its own, configured by environment. */
async function main(): Promise<void> {
  const log = (fields: Record<string, unknown>) =>
    console.log(JSON.stringify({ service: 'mail-sink', time: new Date().toISOString(), ...fields }));
  const sink = await startMailSink({
    smtpPort: port('MAIL_SINK_SMTP_PORT', 1025),
    httpPort: port('MAIL_SINK_HTTP_PORT', 8025),
    host: process.env.MAIL_SINK_HOST || '127.0.0.1',
    onError: (error) => log({ level: 'warn', msg: 'smtp connection error', error: error.message }),
  });
  log({ level: 'log', msg: 'listening', smtpUrl: sink.smtpUrl, webUrl: sink.webUrl });

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log({ level: 'log', msg: 'stopping', signal });
    void sink.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`${name} must be a port number, got ${raw}`);
  return value;
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ service: 'mail-sink', level: 'error', msg: 'cannot start', error: String(error) }));
  process.exit(1);
});
