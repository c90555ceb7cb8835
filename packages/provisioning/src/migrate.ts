import { spawn } from 'node:child_process';

/**
 * Applies a service's Prisma migrations with the regular CLI (`prisma migrate deploy`) from the
 * service's folder. On machines without internet, set PRISMA_SCHEMA_ENGINE_BINARY (see README).
 */
export function migrate(serviceDir: string, databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'prisma', 'migrate', 'deploy'], {
      cwd: serviceDir,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma migrate deploy in ${serviceDir} exited ${code}:\n${output}`)),
    );
  });
}
