import type { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { MessageStore } from './message-store';
import { toSinkMessage, type SinkMessage } from './sink-message';
import { createWebHandler } from './web';

export interface MailSinkOptions {
  /** 0 picks a free port. */
  smtpPort?: number;
  /** 0 picks a free port. */
  httpPort?: number;
  host?: string;
  /** E-mails kept in memory; the oldest are forgotten first. */
  capacity?: number;
  /** Largest accepted e-mail, in bytes. */
  maxMessageBytes?: number;
  /** Errors of single SMTP connections (a client that hung up, a message that did not parse). */
  onError?: (error: Error) => void;
}

export interface MailSink {
  smtpPort: number;
  httpPort: number;
  /** What a sender puts in SMTP_URL. */
  smtpUrl: string;
  webUrl: string;
  /** Every e-mail kept, newest first. */
  messages(): SinkMessage[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * Starts an SMTP server that accepts any e-mail (no TLS, any or no credentials) and keeps it in
 * memory, and a web page and JSON API that show what arrived.
 */
export async function startMailSink({
  smtpPort = 1025,
  httpPort = 8025,
  host = '127.0.0.1',
  capacity = 1000,
  maxMessageBytes = 25 * 1024 * 1024,
  onError = () => undefined,
}: MailSinkOptions = {}): Promise<MailSink> {
  const store = new MessageStore(capacity);

  const smtp = new SMTPServer({
    banner: 'Loja mail sink',
    logger: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: maxMessageBytes,
    // Pooled senders keep connections open: do not wait the default 30 s for them on close.
    closeTimeout: 500,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData: (stream, session, callback) => {
      simpleParser(stream).then(
        (mail) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 }));
            return;
          }
          store.add(toSinkMessage(mail, session.envelope));
          callback();
        },
        (error: Error) => {
          onError(error);
          callback(Object.assign(new Error('message could not be parsed'), { responseCode: 451 }));
        },
      );
    },
  });

  const web = createServer(createWebHandler(store));

  // SMTPServer re-emits its socket server's errors as its own.
  await listen(smtp, smtpPort, host, (l) => smtp.listen(smtpPort, host, l));
  try {
    await listen(web, httpPort, host, (l) => web.listen(httpPort, host, l));
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  // From here on, errors are about single connections: never let them crash the process.
  smtp.on('error', onError);
  web.on('error', onError);

  const actualSmtpPort = (smtp.server.address() as AddressInfo).port;
  const actualHttpPort = (web.address() as AddressInfo).port;
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    smtpPort: actualSmtpPort,
    httpPort: actualHttpPort,
    smtpUrl: `smtp://${publicHost}:${actualSmtpPort}`,
    webUrl: `http://${publicHost}:${actualHttpPort}`,
    messages: () => store.list(),
    clear: () => store.clear(),
    close: async () => {
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          web.close(() => resolve());
          web.closeAllConnections();
        }),
      ]);
    },
  };
}

/** Listens, rejecting on EADDRINUSE and the like instead of emitting them. */
function listen(
  server: EventEmitter,
  port: number,
  host: string,
  start: (listening: () => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`cannot listen on ${host}:${port}: ${error.message}`));
    server.once('error', failed);
    start(() => {
      server.off('error', failed);
      resolve();
    });
  });
}
