import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from './mail-sink';
import type { SinkMessage } from './sink-message';

describe('mail sink over real SMTP and HTTP', () => {
  let sink: MailSink;
  let transport: nodemailer.Transporter;

  beforeAll(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
    transport = nodemailer.createTransport(sink.smtpUrl);
  });

  afterAll(async () => {
    transport?.close();
    await sink?.close();
  });

  const api = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${sink.webUrl}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  it('picks free ports and reports the actual ones', () => {
    expect(sink.smtpPort).toBeGreaterThan(0);
    expect(sink.httpPort).toBeGreaterThan(0);
    expect(sink.smtpUrl).toBe(`smtp://127.0.0.1:${sink.smtpPort}`);
    expect(sink.webUrl).toBe(`http://127.0.0.1:${sink.httpPort}`);
  });

  it('keeps an e-mail sent over SMTP and serves it back as JSON and as a page', async () => {
    await transport.sendMail({
      from: 'Loja <pedidos@loja.example>',
      to: 'Ana Souza <ana@example.com>',
      bcc: 'arquivo@loja.example',
      subject: 'Recebemos seu pedido — nº 123',
      text: 'Olá, Ana! Total: R$ 49,90',
      html: '<p>Olá, <b>Ana</b>! Total: R$ 49,90</p><script>alert(1)</script>',
      messageId: '<order-1.received@loja>',
      headers: { 'X-Loja-Notice': 'received' },
    });

    const { status, body: list } = await api<SinkMessage[]>('/api/messages?to=ana@example.com');
    expect(status).toBe(200);
    expect(list).toHaveLength(1);
    const message = list[0]!;
    expect(message).toMatchObject({
      messageId: '<order-1.received@loja>',
      from: '"Loja" <pedidos@loja.example>',
      to: ['ana@example.com'],
      subject: 'Recebemos seu pedido — nº 123',
      envelope: { from: 'pedidos@loja.example', to: ['ana@example.com', 'arquivo@loja.example'] },
    });
    expect(message.text?.trim()).toBe('Olá, Ana! Total: R$ 49,90');
    expect(message.html).toContain('<b>Ana</b>');
    expect(message.headers['x-loja-notice']).toBe('received');
    expect(message.headers.subject).toBe('Recebemos seu pedido — nº 123');
    expect(Date.parse(message.receivedAt)).not.toBeNaN();
    // a Bcc recipient finds it too; someone else does not
    expect((await api<SinkMessage[]>('/api/messages?to=ARQUIVO@loja.example')).body).toHaveLength(1);
    expect((await api<SinkMessage[]>('/api/messages?to=bia@example.com')).body).toHaveLength(0);

    expect((await api<SinkMessage>(`/api/messages/${message.id}`)).body.subject).toBe(message.subject);
    expect((await api(`/api/messages/nope`)).status).toBe(404);
    expect(sink.messages().map((m) => m.id)).toEqual([message.id]);

    const listPage = await (await fetch(sink.webUrl)).text();
    expect(listPage).toContain(`/messages/${message.id}`);
    expect(listPage).toContain('Recebemos seu pedido — nº 123');
    const page = await (await fetch(`${sink.webUrl}/messages/${message.id}`)).text();
    // the body is shown inside a sandboxed frame, escaped: its script never reaches this page
    expect(page).toContain('<iframe sandbox');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)</script>');
  });

  it('lists newest first and forgets everything on DELETE', async () => {
    await transport.sendMail({ from: 'a@loja.example', to: 'bia@example.com', subject: 'first', text: '1' });
    await transport.sendMail({ from: 'a@loja.example', to: 'bia@example.com', subject: 'second', text: '2' });
    const { body } = await api<SinkMessage[]>('/api/messages?to=bia@example.com');
    expect(body.map((m) => m.subject)).toEqual(['second', 'first']);

    expect((await api('/api/messages', { method: 'DELETE' })).status).toBe(204);
    expect((await api<SinkMessage[]>('/api/messages')).body).toEqual([]);
  });

  it('accepts senders that log in with any credentials', async () => {
    const withAuth = nodemailer.createTransport(`smtp://user:secret@127.0.0.1:${sink.smtpPort}`);
    try {
      await withAuth.sendMail({ from: 'a@loja.example', to: 'caio@example.com', subject: 'auth', text: 'ok' });
    } finally {
      withAuth.close();
    }
    expect((await api<SinkMessage[]>('/api/messages?to=caio@example.com')).body).toHaveLength(1);
  });
});
