import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingSmtpSink, type CountingSmtpSink } from './counting-smtp-sink';

/** An e-mail like Notifications' (text and HTML parts, a few headers). */
const email = (i: number) => ({
  from: 'Loja <pedidos@loja.example>',
  to: `Cliente ${i} <cliente${i}@example.com>`,
  subject: `Recebemos seu pedido — nº ${i}`,
  text: `Olá! Seu pedido ${i} foi recebido.\n.\nUma linha com um ponto só, acima.`,
  html: `<p>Olá! Seu pedido <b>${i}</b> foi recebido.</p>${'<p>linha</p>\n'.repeat(200)}`,
  messageId: `<order-${i}.received@loja>`,
  headers: { 'X-Loja-Notice': 'received' },
});

describe('counting SMTP sink, with nodemailer', () => {
  let sink: CountingSmtpSink;

  beforeAll(async () => {
    sink = await startCountingSmtpSink();
  });

  afterAll(async () => {
    await sink?.close();
  });

  const served = async () => ((await (await fetch(sink.countUrl)).json()) as { messages: number }).messages;

  it('counts what a pooled transport sends over several connections, as Notifications does', async () => {
    const before = sink.messages();
    const transport = nodemailer.createTransport({
      ...parseConnectionUrl(sink.smtpUrl),
      pool: true,
      maxConnections: 5,
      maxMessages: 20,
    });
    try {
      const infos = await Promise.all(Array.from({ length: 120 }, (_, i) => transport.sendMail(email(i))));
      expect(infos.every((info) => info.accepted.length === 1 && info.rejected.length === 0)).toBe(true);
    } finally {
      transport.close();
    }
    expect(sink.messages() - before).toBe(120);
    expect(await served()).toBe(sink.messages());
  });

  it('takes a message from a one-off transport too, Bcc and all', async () => {
    const before = sink.messages();
    const transport = nodemailer.createTransport(sink.smtpUrl);
    try {
      const info = await transport.sendMail({ ...email(1), bcc: 'arquivo@loja.example' });
      expect(info.accepted).toEqual(['cliente1@example.com', 'arquivo@loja.example']);
    } finally {
      transport.close();
    }
    expect(sink.messages() - before).toBe(1);
  });

  it('finds the end of a message written one byte at a time', async () => {
    const before = sink.messages();
    const socket = connect(Number(new URL(sink.smtpUrl).port), '127.0.0.1');
    socket.setNoDelay(true);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 5000;
      while (!received.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await waitFor('220 ');
    socket.write('EHLO test\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n');
    await waitFor('354 ');
    for (const byte of 'Subject: x\r\n\r\nhello\r\n..stuffed\r\n.\r\n') {
      socket.write(byte);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor('250 2.0.0 OK: message accepted');
    socket.write('RSET\r\nNOOP\r\nQUIT\r\n');
    await waitFor('221 ');
    await closed;
    expect(sink.messages() - before).toBe(1);
  });
});
