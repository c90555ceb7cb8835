import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceProcess } from './service-process';

/**
 * A stand-in for a service's main.js, as a real child process: listens on PORT (0: a free one), logs the
 * bound port the way the services do, and answers GET /health. It dies when it cannot bind, as Nest does.
 */
const STAND_IN = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end(JSON.stringify({ status: 'ok', pid: process.pid })));
server.on('error', (error) => { console.error(error.message); process.exit(1); });
server.listen(Number(process.env.PORT), () => {
  console.log(JSON.stringify({ level: 'log', pid: process.pid, message: { msg: 'listening', port: server.address().port } }));
});
`;

describe('ServiceProcess, with a real child process on real sockets', () => {
  let dir: string;
  let entry: string;
  const progress: string[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-process-'));
    entry = join(dir, 'main.js');
    writeFileSync(entry, STAND_IN);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const standIn = (port: number, name: string) =>
    new ServiceProcess(
      {
        service: 'inventory',
        entry,
        cwd: dir,
        port,
        env: { PATH: process.env.PATH ?? '' },
        logFile: join(dir, `${name}.log`),
        healthTimeoutMs: 10_000,
      },
      (line) => progress.push(line),
    );

  it('on port 0, learns the port the service bound and keeps it across a restart', async () => {
    const child = standIn(0, 'free');
    try {
      child.start();
      await child.waitHealthy();
      const port = child.port;
      expect(port).toBeGreaterThan(0);
      const first = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { pid: number };
      expect(first.pid).toBe(child.pid);

      await child.stop();
      child.start();
      await child.waitHealthy();
      expect(child.port).toBe(port);
      const second = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { pid: number };
      expect(second.pid).toBe(child.pid);
      expect(second.pid).not.toBe(first.pid);
    } finally {
      await child.stop();
    }
  });

  it('does not take another process answering on its port for the service', async () => {
    // Someone else got the port between the launcher's choice and the service's bind.
    const squatter: Server = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => squatter.listen(0, resolve));
    const port = (squatter.address() as { port: number }).port;
    const child = standIn(port, 'squatted');
    try {
      child.start();
      await expect(child.waitHealthy()).rejects.toThrow(
        /inventory exited with code 1 before it became healthy[\s\S]*EADDRINUSE/,
      );
    } finally {
      await child.stop();
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
