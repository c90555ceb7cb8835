import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { databaseName, roleName, withDatabase } from './store-settings';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A deterministic password for a service's role, derived from the namespace and a secret, so that the
 * launcher can be re-run without storing passwords. Compose and production set their own.
 */
export function derivedPassword(
  namespace: string,
  service: string,
  secret = process.env.STORE_SECRET ?? 'loja-local',
): string {
  return createHash('sha256').update(`${secret}:${namespace}:${service}`).digest('hex').slice(0, 24);
}

/**
 * Creates (idempotently) the database and the role of one service. The role owns its database and
 * can connect to it alone: CONNECT is revoked from PUBLIC, so other roles (other services) cannot.
 * Returns the service's DATABASE_URL.
 */
export async function provisionServiceDatabase(adminUrl: string, namespace: string, service: string): Promise<string> {
  const database = databaseName(namespace, service);
  const role = roleName(namespace, service);
  const password = derivedPassword(namespace, service);
  await withAdmin(adminUrl, async (client) => {
    // Concurrent provisioners (parallel test files) serialise here instead of racing on CREATE.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['loja-provisioning']);
    try {
      const roleExists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (roleExists.rowCount) {
        await client.query(`ALTER ROLE ${ident(role)} WITH LOGIN PASSWORD ${literal(password)}`);
      } else {
        await client.query(`CREATE ROLE ${ident(role)} WITH LOGIN PASSWORD ${literal(password)}`);
      }
      const dbExists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!dbExists.rowCount) await client.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(role)}`);
      await client.query(`REVOKE ALL ON DATABASE ${ident(database)} FROM PUBLIC`);
      await client.query(`GRANT ALL ON DATABASE ${ident(database)} TO ${ident(role)}`);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['loja-provisioning']);
    }
  });
  return withDatabase(adminUrl, database, { user: role, password });
}

/**
 * Drops every database and role of a namespace (tests clean up after themselves with this): names of
 * the form `<namespace>_<service>`, where a service name has no underscore, so dropping `loja` never
 * touches a store named `loja_demo`.
 */
export async function dropNamespaceDatabases(adminUrl: string, namespace: string): Promise<void> {
  const pattern = `^${namespace.replace(/[^a-z0-9_]/g, '')}_[a-z0-9-]+$`;
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname ~ $1', [
      pattern,
    ]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${ident(datname)} WITH (FORCE)`);
    }
    const roles = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname ~ $1', [pattern]);
    for (const { rolname } of roles.rows) await client.query(`DROP ROLE IF EXISTS ${ident(rolname)}`);
  });
}
