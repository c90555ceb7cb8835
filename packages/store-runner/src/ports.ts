import { createServer } from 'node:net';

/** Listens on `port` (all interfaces, as the services do) and closes again. */
function probe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, exclusive: true }, () => server.close(() => resolve()));
  });
}

/**
 * Fails clearly when `port` is taken. Without this check a service that cannot bind would exit, while
 * whatever holds the port (often a store left running) answered the health check in its place.
 */
export async function assertPortFree(port: number, owner: string, variable: string): Promise<void> {
  try {
    await probe(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    throw new Error(
      `port ${port} for ${owner} is ${code === 'EACCES' ? 'not allowed' : 'already in use'} ` +
        `(another store still running? see \`ss -ltnp 'sport = :${port}'\`); stop it or set ${variable} (0 picks a free port)`,
    );
  }
}
