import type { MailSink } from '@loja/mail-sink';

export type { MailSink };

/**
 * Loaded only when the store runs its own sink (no SMTP_URL), so a store pointed at a real SMTP server
 * never loads the SMTP server code.
 */
export async function startMailSink(options: {
  smtpPort: number;
  httpPort: number;
  capacity?: number;
}): Promise<MailSink> {
  const { startMailSink: start } = await import('@loja/mail-sink');
  return start(options);
}
