import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { addressOf, encodeHeaderText, mimeMessage } from './mime-message';

const email = {
  from: 'Loja <pedidos@loja.example>',
  to: { name: 'João Ninguém', address: 'joao@example.com' },
  subject: 'Seu pedido está a caminho: código de rastreio LJ123456785BR, transportadora Correios',
  text: 'Olá João,\nseu pedido saiu para entrega.',
  html: '<p>Olá <b>João</b>, seu pedido saiu para entrega.</p>',
  messageId: '<0b6f1c2e-7c1a-4f4e-9a59-3f0d5f4b2a10.shipped@loja>',
  headers: { 'X-Loja-Order-Id': '0b6f1c2e-7c1a-4f4e-9a59-3f0d5f4b2a10', 'X-Loja-Notice': 'shipped' },
};

describe('mimeMessage', () => {
  it('is read back by a standard parser exactly as it was given', async () => {
    const parsed = await simpleParser(mimeMessage(email));
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.from?.value).toEqual([{ name: 'Loja', address: 'pedidos@loja.example' }]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value).toEqual([
      { name: 'João Ninguém', address: 'joao@example.com' },
    ]);
    expect(parsed.text?.trim()).toBe(email.text);
    expect(parsed.html).toContain('<b>João</b>');
    expect(parsed.messageId).toBe(email.messageId);
    expect(parsed.headers.get('x-loja-notice')).toBe('shipped');
  });

  it('keeps every line within 78 characters', () => {
    for (const line of mimeMessage({ ...email, html: 'é'.repeat(500) }).split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(78);
    }
  });

  it('never splits a character across two encoded words', () => {
    const encoded = encodeHeaderText('ção'.repeat(30));
    const words = encoded.split('\r\n ').map((word) => Buffer.from(word.slice(10, -2), 'base64').toString('utf8'));
    expect(words.join('')).toBe('ção'.repeat(30));
    expect(words.every((word) => !word.includes('\ufffd'))).toBe(true);
  });

  it('finds the envelope address of a mailbox', () => {
    expect(addressOf('Loja <pedidos@loja.example>')).toBe('pedidos@loja.example');
    expect(addressOf('pedidos@loja.example')).toBe('pedidos@loja.example');
  });
});
