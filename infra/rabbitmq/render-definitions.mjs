#!/usr/bin/env node
// Renders the broker's definitions: definitions.template.json with every user's `password_env` replaced
// by the salted SHA-256 `password_hash` RabbitMQ expects, taken from the environment (.env through
// compose). Run by the one-shot `rabbitmq-definitions` service before the broker starts, so no password
// is ever written into the repository or an image.
//
//   node render-definitions.mjs [template] [output]
//
// Exits non-zero, naming the variables, when a password is missing.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const templatePath = process.argv[2] ?? join(here, 'definitions.template.json');
const outputPath = process.argv[3] ?? '/definitions/definitions.json';

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ utf8 password)), 4-byte salt. */
function rabbitPasswordHash(password, salt = randomBytes(4)) {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

const template = JSON.parse(readFileSync(templatePath, 'utf8'));
const missing = [];
const users = template.users.map(({ password_env: variable, ...user }) => {
  const password = process.env[variable];
  if (!password) {
    missing.push(variable);
    return user;
  }
  return { ...user, password_hash: rabbitPasswordHash(password), hashing_algorithm: 'rabbit_password_hashing_sha256' };
});
if (missing.length > 0) {
  console.error(`render-definitions: set ${missing.join(', ')} (see .env.example)`);
  process.exit(1);
}

const temporary = `${outputPath}.tmp`;
writeFileSync(temporary, `${JSON.stringify({ ...template, users }, null, 2)}\n`, { mode: 0o644 });
renameSync(temporary, outputPath);
console.log(`render-definitions: wrote ${outputPath} (${users.length} users, ${template.queues.length} queues)`);
