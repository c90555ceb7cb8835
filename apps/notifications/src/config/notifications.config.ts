import { parseEnv } from '@loja/service-kit';
import { z } from 'zod';

/** Notifications' own settings (messaging reads RABBITMQ_URL and the MESSAGING_* ones itself). */
const NotificationsEnv = z.object({
  DATABASE_URL: z.string().min(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** `smtp://[user:pass@]host:port` (or `smtps://`); query options are nodemailer's, e.g. `?ignoreTLS=true`. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/?#]+/, 'must be an smtp:// or smtps:// URL'),
  /** Sender of every e-mail. */
  MAIL_FROM: z.string().min(3).default('Loja <pedidos@loja.example>'),
  /** Connection, greeting and socket timeouts: a hung SMTP server fails the send well inside the handler's transaction. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().positive().max(20_000).default(10_000),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().positive().default(5),
});

export type NotificationsConfig = z.infer<typeof NotificationsEnv>;

export function notificationsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return parseEnv(NotificationsEnv, env, 'notifications');
}

export const NOTIFICATIONS_CONFIG = Symbol('NOTIFICATIONS_CONFIG');
