import { randomUUID } from 'node:crypto';
import type { AddressObject, EmailAddress, HeaderValue, ParsedMail } from 'mailparser';

/** One received e-mail, as the web page and the JSON API show it. */
export interface SinkMessage {
  /** The sink's own id (the `:id` of the URLs). */
  id: string;
  /** The `Message-ID` header, with its angle brackets; null if the sender set none. */
  messageId: string | null;
  /** The `From` header as written (`Loja <pedidos@loja.example>`), else the envelope sender. */
  from: string;
  /** Addresses of the `To` header, else of the SMTP envelope. */
  to: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** Every header, lower-case name → decoded value (repeated headers joined with `, `). */
  headers: Record<string, string>;
  /** ISO 8601. */
  receivedAt: string;
  /** What the SMTP client said: `MAIL FROM` and every `RCPT TO` (including Bcc). */
  envelope: { from: string | null; to: string[] };
}

export interface SmtpEnvelope {
  mailFrom: false | { address: string };
  rcptTo: Array<{ address: string }>;
}

/** Turns a parsed e-mail and its SMTP envelope into what the sink keeps. */
export function toSinkMessage(mail: ParsedMail, envelope: SmtpEnvelope, receivedAt = new Date()): SinkMessage {
  const envelopeFrom = envelope.mailFrom ? envelope.mailFrom.address : null;
  const envelopeTo = envelope.rcptTo.map((r) => r.address);
  const to = addressesOf(mail.to);
  return {
    id: randomUUID(),
    messageId: mail.messageId ?? null,
    from: mail.from?.text ?? envelopeFrom ?? '',
    to: to.length ? to : envelopeTo,
    subject: mail.subject ?? '',
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    headers: headersOf(mail),
    receivedAt: receivedAt.toISOString(),
    envelope: { from: envelopeFrom, to: envelopeTo },
  };
}

/** True when `address` is one of the message's recipients (header or envelope), case-insensitive. */
export function isAddressedTo(message: SinkMessage, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  return [...message.to, ...message.envelope.to].some((a) => a.toLowerCase() === wanted);
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flat = (list: EmailAddress[]): string[] =>
    list.flatMap((a) => (a.group ? flat(a.group) : a.address ? [a.address] : []));
  return objects.flatMap((o) => flat(o.value));
}

function headersOf(mail: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    const value = headerText(mail.headers.get(key), line);
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  return headers;
}

/** Decoded text when mailparser gives a plain string or addresses; the raw line otherwise (dates, params). */
function headerText(parsed: HeaderValue | undefined, line: string): string {
  if (typeof parsed === 'string') return parsed;
  if (parsed && typeof parsed === 'object' && 'text' in parsed && typeof parsed.text === 'string') return parsed.text;
  const raw = line.slice(line.indexOf(':') + 1);
  return raw.replace(/\r?\n[ \t]+/g, ' ').trim();
}
