import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else its text; undefined when the body was discarded. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** An error without an HTTP answer (refused, reset, timed out); `code` names it. */
export class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SendOptions {
  body?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Read the answer's status and headers only: its body is drained, never buffered nor parsed. */
  discardBody?: boolean;
}

/**
 * Minimal JSON-over-HTTP client on keep-alive sockets: node:http costs the load generator less CPU per
 * request than fetch, and the generator shares the machine with the store it measures. Per request it
 * does no more than node:http needs: the URL's origin is parsed once, and a body nobody reads (most
 * POST /orders answers) is neither buffered nor parsed.
 */
export class HttpClient {
  // Enough sockets for an overloaded store's slow answers at a few hundred requests a second: a request
  // waiting for a free socket would add the client's queue to the latency measured.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024 });
  private readonly origins = new Map<string, { hostname: string; port: string }>();

  send(
    method: 'GET' | 'POST',
    url: string,
    { body, headers = {}, timeoutMs = 30_000, discardBody = false }: SendOptions = {},
  ): Promise<HttpResponse> {
    const { origin, path } = splitUrl(url);
    let target = this.origins.get(origin);
    if (!target) {
      const parsed = new URL(origin);
      target = { hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port || '80' };
      this.origins.set(origin, target);
    }
    return new Promise((resolve, reject) => {
      const req = request(
        {
          method,
          hostname: target.hostname,
          port: target.port,
          path,
          agent: this.agent,
          headers: {
            accept: 'application/json',
            ...(body !== undefined
              ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
              : {}),
            ...headers,
          },
        },
        (res) => {
          res.on('error', (error: NodeJS.ErrnoException) =>
            reject(new NetworkError(error.code ?? 'ERESPONSE', error.message)),
          );
          if (discardBody) {
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: undefined, headers: res.headers }));
            res.resume();
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text && (res.headers['content-type'] ?? '').includes('json')) {
              try {
                parsed = JSON.parse(text);
              } catch {
                // keep the text
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new NetworkError('TIMEOUT', `no answer within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(error instanceof NetworkError ? error : new NetworkError(error.code ?? 'ERROR', error.message)),
      );
      req.end(body);
    });
  }

  async json<T>(method: 'GET' | 'POST', url: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const response = await this.send(method, url, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`${method} ${url}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    }
    return response.body as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `http://host:port/a/b?c` → origin `http://host:port`, path `/a/b?c`, without a URL parse. */
export function splitUrl(url: string): { origin: string; path: string } {
  const scheme = url.indexOf('//');
  const slash = url.indexOf('/', scheme === -1 ? 0 : scheme + 2);
  return slash === -1 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}
