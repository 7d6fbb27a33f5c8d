// A tiny HTTP server that records every request byte for byte. With a target it forwards each
// request there and returns the answer (a recording proxy in front of the emulator); without one it
// answers with `respond` (a capture server for the AWS SDK used directly). The emulator's request
// log holds the input it parsed; this holds what went on the wire, so extra or missing members of
// a request body cannot hide.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../support/http.ts';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body as text. */
  body: string;
}

export interface Capture {
  url: string;
  requests: CapturedRequest[];
  stop(): Promise<void>;
}

export type Responder = (req: CapturedRequest) => { status: number; headers?: Record<string, string>; body: string };

export interface CaptureOptions {
  /** Forward every request here and return its answer. */
  target?: string;
  /** Without a target: the answer to give. */
  respond?: Responder;
  /** Awaited after a request arrived and before it is forwarded (e.g. to kill its sender meanwhile). */
  onRequest?: (req: CapturedRequest) => void | Promise<void>;
}

export async function startCapture(o: CaptureOptions): Promise<Capture> {
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const captured: CapturedRequest = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body: raw.toString('utf8') };
      requests.push(captured);
      await o.onRequest?.(captured);
      if (o.target) {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) continue;
          headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        const method = req.method ?? 'GET';
        const answer = await fetch(`${o.target}${req.url}`, { method, headers, ...(raw.length && method !== 'GET' && method !== 'HEAD' ? { body: raw } : {}) });
        const out = Buffer.from(await answer.arrayBuffer());
        const back: Record<string, string> = {};
        answer.headers.forEach((v, k) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) back[k] = v;
        });
        res.writeHead(answer.status, { ...back, 'content-length': out.length });
        res.end(out);
        return;
      }
      const r = o.respond?.(captured) ?? { status: 200, body: '{}' };
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers, 'content-length': Buffer.byteLength(r.body) });
      res.end(r.body);
    })().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return; // the client is gone (killed, say)
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`capture: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
