import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MessageStore } from './message-store';
import type { SinkMessage } from './sink-message';

/**
 * The sink's HTTP side, without a framework:
 *   GET /                   the e-mails as a page (refreshes itself)
 *   GET /messages/:id       one e-mail: its metadata, its HTML body in a sandboxed frame, its text part
 *   GET /api/messages       JSON, newest first; `?to=address` keeps that recipient's
 *   GET /api/messages/:id   JSON
 *   DELETE /api/messages    forgets every e-mail
 *   GET /health             {"status":"ok"}
 */
export function createWebHandler(store: MessageStore) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://sink');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    const id = (prefix: string) =>
      path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : undefined;

    if (path === '/') return only(method, ['GET'], response, () => sendHtml(response, 200, listPage(store.list())));
    if (path === '/health') return only(method, ['GET'], response, () => sendJson(response, 200, { status: 'ok' }));
    if (path === '/api/messages') {
      if (method === 'DELETE') {
        store.clear();
        response.writeHead(204).end();
        return;
      }
      return only(method, ['GET', 'DELETE'], response, () =>
        sendJson(response, 200, store.list({ to: url.searchParams.get('to') ?? undefined })),
      );
    }
    const apiId = id('/api/messages/');
    if (apiId !== undefined) {
      return only(method, ['GET'], response, () => {
        const message = store.get(apiId);
        if (message) sendJson(response, 200, message);
        else sendJson(response, 404, { statusCode: 404, message: `no message ${apiId}` });
      });
    }
    const pageId = id('/messages/');
    if (pageId !== undefined) {
      return only(method, ['GET'], response, () => {
        const message = store.get(pageId);
        if (message) sendHtml(response, 200, messagePage(message));
        else
          sendHtml(
            response,
            404,
            page('Not found', `<p>No message ${escapeHtml(pageId)}. <a href="/">All e-mails</a></p>`),
          );
      });
    }
    sendJson(response, 404, { statusCode: 404, message: `no route ${method} ${url.pathname}` });
  };
}

function only(method: string, allowed: string[], response: ServerResponse, handle: () => void): void {
  if (allowed.includes(method)) return handle();
  response.writeHead(405, { allow: allowed.join(', ') }).end();
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}th{background:#f5f5f5}
iframe{width:100%;height:32rem;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f8f8f8;padding:1rem}
.muted{color:#777}`;

function page(title: string, body: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${head}<style>${STYLE}</style></head><body>${body}</body></html>`;
}

function listPage(messages: SinkMessage[]): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt.replace('T', ' ').slice(0, 19))}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
        `<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a></td><td>${escapeHtml(m.from)}</td></tr>`,
    )
    .join('');
  const table = messages.length
    ? `<table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th><th>From</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">No e-mails yet. This page refreshes itself.</p>';
  const clear = `<button onclick="fetch('/api/messages',{method:'DELETE'}).then(()=>location.reload())">Delete all</button>`;
  return page(
    'Mail sink',
    `<h1>Mail sink</h1><p>${messages.length} e-mail(s) · <a href="/api/messages">JSON</a> · ${clear}</p>${table}`,
    '<meta http-equiv="refresh" content="5">',
  );
}

function messagePage(m: SinkMessage): string {
  const meta = [
    ['From', m.from],
    ['To', m.to.join(', ')],
    ['Subject', m.subject],
    ['Received', m.receivedAt],
    ['Message-ID', m.messageId ?? ''],
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`)
    .join('');
  const headers = Object.entries(m.headers)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  // The e-mail's HTML runs in a sandbox without scripts, so it cannot touch this page.
  const html =
    m.html !== null ? `<h2>HTML</h2><iframe sandbox title="HTML body" srcdoc="${escapeHtml(m.html)}"></iframe>` : '';
  const text = m.text !== null ? `<h2>Text</h2><pre>${escapeHtml(m.text)}</pre>` : '';
  return page(
    m.subject || '(no subject)',
    `<p><a href="/">← all e-mails</a> · <a href="/api/messages/${encodeURIComponent(m.id)}">JSON</a></p>` +
      `<h1>${escapeHtml(m.subject || '(no subject)')}</h1><table>${meta}</table>${html}${text}` +
      `<details><summary>Headers</summary><table>${headers}</table></details>`,
  );
}
