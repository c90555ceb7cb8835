import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { SmtpSession } from './smtp-session';

export interface CountingSmtpSink {
  /** What a sender puts in SMTP_URL. */
  smtpUrl: string;
  /** `GET` it for `{"messages": n}`. */
  countUrl: string;
  /** Messages accepted so far. */
  messages(): number;
  close(): Promise<void>;
}

/** Connections idle this long are closed (a pooled sender reconnects when it needs one). */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * The bench's mail sink: an SMTP server that accepts every message and only counts it (see
 * SmtpSession), and an HTTP endpoint with the count. The store's own mail sink (@loja/mail-sink) parses
 * and keeps every e-mail for its web page; at a few hundred e-mails a second that cost more CPU than a
 * service, and the harness must not compete with the store it measures.
 */
export async function startCountingSmtpSink({
  smtpPort = 0,
  httpPort = 0,
  host = '127.0.0.1',
}: { smtpPort?: number; httpPort?: number; host?: string } = {}): Promise<CountingSmtpSink> {
  let messages = 0;
  const sockets = new Set<Socket>();
  const smtp = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    const session = new SmtpSession('bench-mail-sink', () => messages++);
    socket.write(session.greeting());
    socket.on('data', (chunk: Buffer) => {
      const { replies, close } = session.receive(chunk);
      if (close) socket.end(replies);
      else if (replies) socket.write(replies);
    });
  });
  const http = createHttpServer((request, response) => {
    if (request.method === 'GET' && (request.url === '/count' || request.url === '/health')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages }));
    } else {
      response.writeHead(404).end();
    }
  });

  await listen(smtp, smtpPort, host);
  await listen(http, httpPort, host).catch(async (error: Error) => {
    await new Promise((resolve) => smtp.close(resolve));
    throw error;
  });
  const smtpAddress = smtp.address() as AddressInfo;
  const httpAddress = http.address() as AddressInfo;
  return {
    smtpUrl: `smtp://${host}:${smtpAddress.port}`,
    countUrl: `http://${host}:${httpAddress.port}/count`,
    messages: () => messages,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      http.closeAllConnections();
      await Promise.all([new Promise((resolve) => smtp.close(resolve)), new Promise((resolve) => http.close(resolve))]);
    },
  };
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`cannot listen on ${host}:${port}: ${error.message}`));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
