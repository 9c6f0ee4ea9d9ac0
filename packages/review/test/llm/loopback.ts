import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the loopback server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A running loopback server. */
export interface LoopbackServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Start an HTTP server on 127.0.0.1 at a random port. Bounded: it answers at most `maxRequests`
 * requests (then 503), and closes itself after `lifetimeMs` even if a test forgets to.
 */
export async function startLoopback(
  handle: (request: RecordedRequest, response: ServerResponse, index: number) => void | Promise<void>,
  { maxRequests = 32, lifetimeMs = 20_000 } = {},
): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // keep raw text
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      if (requests.length > maxRequests) {
        res.writeHead(503).end('request budget exhausted');
        return;
      }
      Promise.resolve(handle(recorded, res, requests.length - 1)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  setTimeout(() => void close(), lifetimeMs).unref();
  return { url: `http://127.0.0.1:${port}`, port, requests, close };
}
