import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  body: unknown;
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

/**
 * Minimal JSON-over-HTTP client on keep-alive sockets: node:http costs the load generator less CPU per
 * request than fetch, and the generator shares the machine with the store it measures.
 */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

  send(
    method: 'GET' | 'POST',
    url: string,
    {
      body,
      headers = {},
      timeoutMs = 30_000,
    }: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
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
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) =>
            reject(new NetworkError(error.code ?? 'ERESPONSE', error.message)),
          );
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if (text && (res.headers['content-type'] ?? '').includes('json')) {
              try {
                parsed = JSON.parse(text);
              } catch {
                // keep the text
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new NetworkError('TIMEOUT', `no answer within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(error instanceof NetworkError ? error : new NetworkError(error.code ?? 'ERROR', error.message)),
      );
      if (body !== undefined) req.write(body);
      req.end();
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
