import type { CancellationReason } from '@loja/contracts';
import { formatBrl } from './money';
import { orderReference, type NoticeFacts } from './notice';

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

/** Why an order was cancelled, in words a customer understands, and what it means for them. */
const CANCELLATION: Record<CancellationReason, { because: string; next: string }> = {
  OUT_OF_STOCK: {
    because: 'um ou mais itens do seu pedido esgotaram antes que pudéssemos reservá-los',
    next: 'Nenhum valor foi cobrado. Você pode fazer um novo pedido com os itens que estiverem disponíveis.',
  },
  PAYMENT_REJECTED: {
    because: 'o pagamento não foi aprovado pela operadora do cartão',
    next: 'Nenhum valor foi cobrado. Se quiser, faça um novo pedido com outro cartão ou consulte a operadora.',
  },
  CUSTOMER_CANCELLED: {
    because: 'você pediu o cancelamento',
    next: 'Nenhum valor foi cobrado.',
  },
};

/** What a refund means for the customer, in place of "nothing was charged". */
const refunded = (cents: number) =>
  `O valor de ${formatBrl(cents)} foi estornado no seu cartão e aparecerá como crédito na sua fatura.`;

/** One e-mail's content, independent of format: the text and HTML parts are both drawn from it. */
interface Content {
  subject: string;
  greeting: string;
  paragraphs: string[];
  items?: { rows: Array<{ name: string; quantity: number; unitPrice: string; subtotal: string }>; total: string };
  details?: Array<{ label: string; value: string }>;
  after: string[];
}

/** The e-mail for one step of an order, in Portuguese, with a text and an HTML part. */
export function renderNotice(order: { orderId: string; customerName: string }, facts: NoticeFacts): RenderedNotice {
  const content = contentOf(order, facts);
  return { subject: content.subject, text: toText(content, order.orderId), html: toHtml(content, order.orderId) };
}

function contentOf({ orderId, customerName }: { orderId: string; customerName: string }, facts: NoticeFacts): Content {
  const ref = orderReference(orderId);
  const name = firstName(customerName);
  switch (facts.notice) {
    case 'received':
      return {
        subject: `Recebemos seu pedido ${ref}`,
        greeting: `Olá, ${name}!`,
        paragraphs: [`Recebemos seu pedido ${ref} e já estamos cuidando dele. Confira os itens:`],
        items: {
          rows: facts.lines.map((line) => ({
            name: line.name,
            quantity: line.quantity,
            unitPrice: formatBrl(line.unitPriceCents),
            subtotal: formatBrl(line.unitPriceCents * line.quantity),
          })),
          total: formatBrl(facts.totalCents),
        },
        after: ['Assim que o pagamento for aprovado, avisaremos por e-mail.'],
      };
    case 'paid':
      return {
        subject: `Pagamento aprovado: pedido ${ref}`,
        greeting: `Olá, ${name}!`,
        paragraphs: [`O pagamento de ${formatBrl(facts.amountCents)} do seu pedido ${ref} foi aprovado.`],
        after: ['Agora vamos separar e embalar seus produtos. Avisaremos quando o pedido for enviado.'],
      };
    case 'shipped':
      return {
        subject: `Seu pedido ${ref} foi enviado`,
        greeting: `Olá, ${name}!`,
        paragraphs: [`Seu pedido ${ref} está a caminho.`],
        details: [
          { label: 'Transportadora', value: facts.carrier },
          { label: 'Código de rastreamento', value: facts.trackingCode },
        ],
        after: ['Use o código de rastreamento no site da transportadora para acompanhar a entrega.'],
      };
    case 'cancelled': {
      const { because, next } = CANCELLATION[facts.reason];
      const byCustomer = facts.reason === 'CUSTOMER_CANCELLED';
      return {
        subject: `Seu pedido ${ref} foi cancelado`,
        greeting: `Olá, ${name}.`,
        paragraphs: [
          byCustomer
            ? `Seu pedido ${ref} foi cancelado, como ${because}.`
            : `Infelizmente, seu pedido ${ref} foi cancelado porque ${because}.`,
          facts.refundedCents === undefined ? next : refunded(facts.refundedCents),
        ],
        after: [byCustomer ? 'Esperamos vê-lo de novo em breve.' : 'Sentimos muito pelo transtorno.'],
      };
    }
    case 'cancellation_refused':
      return {
        subject: `Não foi possível cancelar o pedido ${ref}`,
        greeting: `Olá, ${name}.`,
        paragraphs: [
          `Recebemos seu pedido de cancelamento, mas o pedido ${ref} já tinha sido enviado e não pode mais ser cancelado.`,
        ],
        details: [{ label: 'Código de rastreamento', value: facts.trackingCode }],
        after: ['Se não quiser os produtos, você pode devolvê-los após a entrega.'],
      };
  }
}

function firstName(fullName: string): string {
  return fullName.trim().split(/\s+/)[0] || fullName;
}

function toText(c: Content, orderId: string): string {
  const out = [c.greeting, '', ...c.paragraphs.flatMap((p) => [p, ''])];
  if (c.items) {
    for (const row of c.items.rows)
      out.push(`- ${row.quantity} x ${row.name} (${row.unitPrice} cada): ${row.subtotal}`);
    out.push('', `Total: ${c.items.total}`, '');
  }
  if (c.details) out.push(...c.details.map((d) => `${d.label}: ${d.value}`), '');
  out.push(...c.after.flatMap((p) => [p, '']));
  out.push('Equipe Loja', '', `Pedido ${orderId}`);
  return `${out.join('\n')}\n`;
}

const esc = (value: string): string =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const CELL = 'padding:8px;border-bottom:1px solid #eee';

function toHtml(c: Content, orderId: string): string {
  const p = (text: string) => `<p style="margin:0 0 16px">${esc(text)}</p>`;
  const parts = [p(c.greeting), ...c.paragraphs.map(p)];
  if (c.items) {
    const rows = c.items.rows
      .map(
        (r) =>
          `<tr><td style="${CELL}">${esc(r.name)}</td><td style="${CELL};text-align:center">${r.quantity}</td>` +
          `<td style="${CELL};text-align:right">${esc(r.unitPrice)}</td><td style="${CELL};text-align:right">${esc(r.subtotal)}</td></tr>`,
      )
      .join('');
    parts.push(
      `<table style="border-collapse:collapse;width:100%;margin:0 0 16px"><thead><tr>` +
        `<th style="${CELL};text-align:left">Produto</th><th style="${CELL}">Qtd.</th>` +
        `<th style="${CELL};text-align:right">Preço</th><th style="${CELL};text-align:right">Subtotal</th></tr></thead>` +
        `<tbody>${rows}</tbody><tfoot><tr><td colspan="3" style="padding:8px;text-align:right"><strong>Total</strong></td>` +
        `<td style="padding:8px;text-align:right"><strong>${esc(c.items.total)}</strong></td></tr></tfoot></table>`,
    );
  }
  if (c.details) {
    const rows = c.details
      .map(
        (d) =>
          `<tr><td style="${CELL};color:#666">${esc(d.label)}</td><td style="${CELL}"><strong>${esc(d.value)}</strong></td></tr>`,
      )
      .join('');
    parts.push(`<table style="border-collapse:collapse;margin:0 0 16px">${rows}</table>`);
  }
  parts.push(...c.after.map(p), p('Equipe Loja'));
  return (
    `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>${esc(c.subject)}</title></head>` +
    `<body style="margin:0;padding:24px;background:#f6f6f6;font-family:Arial,Helvetica,sans-serif;color:#222">` +
    `<div style="max-width:600px;margin:0 auto;background:#fff;padding:24px;border-radius:8px">` +
    `<h1 style="font-size:20px;margin:0 0 24px">Loja</h1>${parts.join('')}` +
    `<p style="margin:24px 0 0;font-size:12px;color:#888">Pedido ${esc(orderId)}</p></div></body></html>`
  );
}
