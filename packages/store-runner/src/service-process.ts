import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { Service } from '@loja/provisioning';

export interface ServiceProcessSpec {
  service: Service;
  /** `apps/<service>/dist/main.js`. */
  entry: string;
  cwd: string;
  /** 0: the service binds a free port itself, and keeps that port when restarted. */
  port: number;
  /** The child's whole environment (PORT comes from `port`): nothing of the launcher's leaks into it. */
  env: Record<string, string>;
  logFile: string;
  healthTimeoutMs: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Signals after which the process keeps existing, so there is no exit to wait for. */
const NON_TERMINATING = new Set<NodeJS.Signals>(['SIGSTOP', 'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

const describeExit = ({ code, signal }: ExitStatus) => (signal ? `signal ${signal}` : `code ${code}`);

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The last `lines` lines of a log file, for error messages. */
export function tailOf(file: string, lines = 30): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log output)';
  }
}

/** What was appended to `file` after `offset`. */
function readFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const length = Math.max(0, fstatSync(fd).size - offset);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * One service as a child process: `node apps/<service>/dist/main.js`, stdout and stderr appended to its
 * log file. It runs in a process group of its own, so a Ctrl-C in the terminal reaches only the launcher,
 * which then stops the services in order (a service hit by SIGINT and SIGTERM at once would not shut
 * down gracefully).
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<ExitStatus> | undefined;
  private exitStatus: ExitStatus | undefined;
  /** Set when the launcher itself ends the process, so its exit is not reported as a crash. */
  private expectingExit = false;
  /** The port asked for, then the one the service reported binding. */
  private currentPort: number;
  /** Where this run's output starts in the log file, which earlier runs appended to. */
  private logOffset = 0;

  constructor(
    readonly spec: ServiceProcessSpec,
    private readonly progress: (line: string) => void,
  ) {
    this.currentPort = spec.port;
  }

  /** The service's HTTP port; 0 until a service started on a free port has bound one. */
  get port(): number {
    return this.currentPort;
  }

  get service(): Service {
    return this.spec.service;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitStatus === undefined;
  }

  get healthUrl(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }

  start(): void {
    if (this.running) throw new Error(`${this.service} is already running (pid ${this.pid})`);
    const log = openSync(this.spec.logFile, 'a');
    let child: ChildProcess;
    try {
      this.logOffset = fstatSync(log).size;
      writeSync(
        log,
        // Same shape as the services' own JSON lines.
        `${JSON.stringify({ level: 'log', pid: process.pid, timestamp: Date.now(), message: { msg: 'starting', service: this.service, port: this.port }, context: 'store-runner' })}\n`,
      );
      child = spawn(process.execPath, [this.spec.entry], {
        cwd: this.spec.cwd,
        env: { ...this.spec.env, PORT: String(this.port) },
        stdio: ['ignore', log, log],
        detached: true,
      });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(log);
    }
    this.child = child;
    this.exitStatus = undefined;
    this.expectingExit = false;
    this.exit = new Promise<ExitStatus>((resolve) => {
      let settled = false;
      const settle = (status: ExitStatus) => {
        if (settled) return;
        settled = true;
        this.exitStatus = status;
        if (!this.expectingExit) {
          this.progress(
            `${this.service} (pid ${child.pid ?? '?'}) exited unexpectedly with ${describeExit(status)}; ` +
              `it is not restarted. Log: ${this.spec.logFile}`,
          );
        }
        resolve(status);
      };
      child.once('exit', (code, signal) => settle({ code, signal }));
      child.once('error', (error) => {
        this.progress(`${this.service} could not be started: ${error.message}`);
        settle({ code: null, signal: null });
      });
    });
  }

  /**
   * Resolves when the service has logged that it listens, and GET /health on that port answers 200.
   * Waiting for its own "listening" line first means the answer comes from this process: a port taken by
   * another process (say another store's service) makes this one fail to bind and exit, instead of the
   * other process answering in its place. Rejects, naming the service and quoting its log, when the
   * process exits first, the deadline passes or `signal` aborts.
   */
  async waitHealthy(signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    const deadline = started + this.spec.healthTimeoutMs;
    let last = 'no answer yet';
    let listening = false;
    for (;;) {
      signal?.throwIfAborted();
      if (!this.running || !this.exit) {
        const how = this.exitStatus ? `exited with ${describeExit(this.exitStatus)}` : 'is not running';
        throw new Error(`${this.service} ${how} before it became healthy. ${this.logExcerpt()}`);
      }
      if (!listening) {
        const port = this.reportedPort();
        if (port !== undefined) {
          this.currentPort = port;
          listening = true;
        } else {
          last = 'it has not logged "listening" yet';
        }
      }
      if (listening) {
        try {
          const response = await fetch(this.healthUrl, { signal: AbortSignal.timeout(2000) });
          if (response.status === 200) return;
          last = `HTTP ${response.status} ${(await response.text()).slice(0, 500)}`;
        } catch (error) {
          last = (error as Error).message;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.service} did not answer GET ${this.healthUrl} with 200 within ${this.spec.healthTimeoutMs / 1000} s ` +
            `(last: ${last}). ${this.logExcerpt()}`,
        );
      }
      // Wake up at once if the process dies meanwhile.
      await Promise.race([delay(250), this.exit]);
    }
  }

  /** The port in this run's `{"msg":"listening","port":N}` line, once the service has written it. */
  private reportedPort(): number | undefined {
    for (const line of readFrom(this.spec.logFile, this.logOffset).split('\n')) {
      if (!line.includes('"listening"')) continue;
      try {
        const entry = JSON.parse(line) as { pid?: number; message?: { msg?: string; port?: number } };
        if (entry.pid === this.pid && entry.message?.msg === 'listening' && entry.message.port) {
          return entry.message.port;
        }
      } catch {
        // not one of the service's JSON lines
      }
    }
    return undefined;
  }

  /** Sends `signal` and, unless it only pauses or resumes the process, waits until it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus | undefined> {
    if (!this.running || !this.child || !this.exit) return this.exitStatus;
    if (NON_TERMINATING.has(signal)) {
      this.child.kill(signal);
      return undefined;
    }
    this.expectingExit = true;
    this.child.kill(signal);
    const status = await this.exit;
    this.progress(`${this.service} (pid ${this.child.pid ?? '?'}) ended by ${signal}`);
    return status;
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running || !this.child || !this.exit) return;
    this.expectingExit = true;
    this.child.kill('SIGTERM');
    // A paused process (SIGSTOP from a failure-injection test) handles SIGTERM only once resumed.
    this.child.kill('SIGCONT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exit.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.progress(`${this.service} did not stop within ${graceMs / 1000} s: SIGKILL`);
      this.child.kill('SIGKILL');
      await this.exit;
    }
    this.progress(`${this.service} stopped`);
  }

  /** Last resort when the launcher itself exits: synchronous, no waiting. */
  killNow(): void {
    if (this.running) {
      this.expectingExit = true;
      this.child?.kill('SIGKILL');
    }
  }

  private logExcerpt(): string {
    return `Last lines of ${this.spec.logFile}:\n${tailOf(this.spec.logFile)}`;
  }
}
