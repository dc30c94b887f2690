/**
 * HTTP requests with nothing added: `fetch` sends its own User-Agent and refuses odd methods,
 * headers and bodies, so abuse tests use `node:http` (only Host and framing headers are added)
 * or a bare socket (exactly the bytes given).
 */
import http from 'node:http';
import net from 'node:net';

export interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface PlainRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: http.Agent;
}

/** One request through `node:http` to 127.0.0.1:`port`; rejects only when no answer came. */
export function plainRequest(port: number, request: PlainRequest, timeoutMs = 10_000): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: request.method ?? 'GET', path: request.path, headers: request.headers, agent: request.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

/**
 * Writes `bytes` to a fresh connection, half-closes it, and resolves with everything the server
 * wrote before closing (possibly nothing). `status` is the first final (non-1xx) status, or 0.
 */
export function rawExchange(port: number, bytes: Buffer | string, timeoutMs = 5_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      // Interim answers (100 Continue) come first; the status is the first final one.
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
      resolve({ status: statuses.find((status) => status >= 200) ?? statuses[0] ?? 0, text });
    };
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.write(bytes, () => socket.end());
  });
}
