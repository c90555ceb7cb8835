import { parseEnv } from '@loja/service-kit';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Notifications' own settings (messaging reads RABBITMQ_URL and the MESSAGING_* ones itself). */
const NotificationsEnv = z
  .object({
    DATABASE_URL: z.string().min(1),
    DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(3),
    /** `smtp://[user:pass@]host:port` (or `smtps://`); query options are nodemailer's, e.g. `?ignoreTLS=true`. */
    SMTP_URL: z.string().regex(/^smtps?:\/\/[^/?#]+/, 'must be an smtp:// or smtps:// URL'),
    /** Sender of every e-mail. */
    MAIL_FROM: z.string().min(3).default('Loja <pedidos@loja.example>'),
    /** Connection, greeting and socket timeouts: a hung SMTP server fails the send well inside its lease. */
    SMTP_TIMEOUT_MS: ms(10_000),
    /** Pooled SMTP connections, and e-mails sent at once. */
    SMTP_MAX_CONNECTIONS: z.coerce.number().int().positive().default(5),
    /** How often unsent e-mails whose lease ran out (a crash, a failed send) are looked for. */
    NOTIFICATIONS_SWEEP_INTERVAL_MS: ms(2000),
    /** How long the process that recorded or claimed an e-mail owns it; no other sender takes it before. */
    NOTIFICATIONS_SEND_LEASE_MS: ms(60_000),
    /** Wait before the 2nd attempt of a failed send; doubles with each failure, up to the max. */
    NOTIFICATIONS_RETRY_INITIAL_DELAY_MS: ms(1000),
    NOTIFICATIONS_RETRY_MAX_DELAY_MS: ms(60_000),
  })
  .refine((env) => env.NOTIFICATIONS_SEND_LEASE_MS > sendBudgetMs(env), {
    path: ['NOTIFICATIONS_SEND_LEASE_MS'],
    message: 'must be longer than 3 × SMTP_TIMEOUT_MS (the longest a send is allowed to take)',
  });

export type NotificationsConfig = z.infer<typeof NotificationsEnv>;

/**
 * The longest a send may take (connection, greeting, then the data, each bounded by SMTP_TIMEOUT_MS).
 * A send starts only while this much of its lease remains, so it ends before another sender may take
 * the e-mail.
 */
export function sendBudgetMs(config: { SMTP_TIMEOUT_MS: number }): number {
  return 3 * config.SMTP_TIMEOUT_MS;
}

export function notificationsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return parseEnv(NotificationsEnv, env, 'notifications');
}

export const NOTIFICATIONS_CONFIG = Symbol('NOTIFICATIONS_CONFIG');
