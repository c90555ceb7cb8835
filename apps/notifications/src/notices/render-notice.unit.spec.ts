import { describe, expect, it } from 'vitest';
import { noticeMessageId, orderReference } from './notice';
import { renderNotice } from './render-notice';

const order = { orderId: '3f2a9c1b-0d4e-4f5a-9b6c-7d8e9f0a1b2c', customerName: 'Ana Souza' };

describe('renderNotice', () => {
  it('order received: greets by first name and lists the lines, prices in reais and the total', () => {
    const { subject, text, html } = renderNotice(order, {
      notice: 'received',
      lines: [
        { sku: 'CAMISETA-BASICA-M', name: 'Camiseta Básica M', quantity: 2, unitPriceCents: 4990 },
        { sku: 'MEIA-ALGODAO-KIT3', name: 'Meias <kit 3>', quantity: 1, unitPriceCents: 123456 },
      ],
      totalCents: 133436,
    });
    expect(subject).toBe('Recebemos seu pedido #3F2A9C1B');
    expect(text).toContain('Olá, Ana!');
    expect(text).toContain('- 2 x Camiseta Básica M (R$ 49,90 cada): R$ 99,80');
    expect(text).toContain('Total: R$ 1.334,36');
    expect(text).toContain(`Pedido ${order.orderId}`);
    expect(html).toContain('Camiseta Básica M');
    expect(html).toContain('R$ 1.334,36');
    // names come from customers and the catalogue: never raw HTML
    expect(html).toContain('Meias &lt;kit 3&gt;');
    expect(html).not.toContain('<kit 3>');
  });

  it('payment approved: says how much was approved', () => {
    const { subject, text, html } = renderNotice(order, { notice: 'paid', amountCents: 4990 });
    expect(subject).toBe('Pagamento aprovado: pedido #3F2A9C1B');
    expect(text).toContain('O pagamento de R$ 49,90 do seu pedido #3F2A9C1B foi aprovado.');
    expect(html).toContain('O pagamento de R$ 49,90');
  });

  it('shipped: gives the carrier and the tracking code', () => {
    const { subject, text, html } = renderNotice(order, {
      notice: 'shipped',
      carrier: 'Correios',
      trackingCode: 'BR123456789BR',
    });
    expect(subject).toBe('Seu pedido #3F2A9C1B foi enviado');
    expect(text).toContain('Transportadora: Correios');
    expect(text).toContain('Código de rastreamento: BR123456789BR');
    expect(html).toContain('BR123456789BR');
  });

  it('cancelled: explains each reason in plain words, never the code', () => {
    const outOfStock = renderNotice(order, { notice: 'cancelled', reason: 'OUT_OF_STOCK' });
    expect(outOfStock.subject).toBe('Seu pedido #3F2A9C1B foi cancelado');
    expect(outOfStock.text).toContain(
      'foi cancelado porque um ou mais itens do seu pedido esgotaram antes que pudéssemos reservá-los.',
    );
    const rejected = renderNotice(order, { notice: 'cancelled', reason: 'PAYMENT_REJECTED' });
    expect(rejected.text).toContain('porque o pagamento não foi aprovado pela operadora do cartão.');
    expect(rejected.html).toContain('o pagamento não foi aprovado pela operadora do cartão');
    for (const { text, html } of [outOfStock, rejected]) {
      expect(text).toContain('Nenhum valor foi cobrado.');
      expect(`${text}${html}`).not.toMatch(/OUT_OF_STOCK|PAYMENT_REJECTED/);
    }
  });

  it("cancelled by the customer: says 'estornado' with the amount when a payment was refunded", () => {
    const refunded = renderNotice(order, { notice: 'cancelled', reason: 'CUSTOMER_CANCELLED', refundedCents: 15_990 });
    expect(refunded.text).toContain('foi cancelado, como você pediu o cancelamento.');
    expect(refunded.text).toMatch(/O valor de R\$\s159,90 foi estornado no seu cartão/);
    expect(refunded.text).not.toContain('Nenhum valor foi cobrado');
    const unpaid = renderNotice(order, { notice: 'cancelled', reason: 'CUSTOMER_CANCELLED' });
    expect(unpaid.text).toContain('Nenhum valor foi cobrado.');
    expect(unpaid.text).not.toMatch(/estornad/);
    expect(`${refunded.text}${refunded.html}`).not.toMatch(/CUSTOMER_CANCELLED/);
  });

  it('cancellation refused: the parcel had left, with its tracking code', () => {
    const { subject, text, html } = renderNotice(order, {
      notice: 'cancellation_refused',
      trackingCode: 'LJ000000014BR',
    });
    expect(subject).toBe('Não foi possível cancelar o pedido #3F2A9C1B');
    expect(text).toContain('já tinha sido enviado e não pode mais ser cancelado');
    expect(text).toContain('Código de rastreamento: LJ000000014BR');
    expect(html).toContain('LJ000000014BR');
  });

  it('escapes the customer name in HTML', () => {
    const { html, text } = renderNotice(
      { ...order, customerName: '<b>Bia</b> & Cia' },
      { notice: 'paid', amountCents: 1 },
    );
    expect(html).toContain('Olá, &lt;b&gt;Bia&lt;/b&gt;!');
    expect(text).toContain('Olá, <b>Bia</b>!');
  });
});

describe('notice identifiers', () => {
  it('gives each (order, notice) one Message-ID and a short order number', () => {
    expect(noticeMessageId(order.orderId, 'shipped')).toBe(`<${order.orderId}.shipped@loja>`);
    expect(orderReference(order.orderId)).toBe('#3F2A9C1B');
  });
});
