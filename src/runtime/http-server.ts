// The controller's small HTTP endpoints: /metrics on --metrics-addr, /healthz and /readyz on
// --health-addr. Plain node:http: three GET routes do not need a framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface RouteResponse {
  status: number;
  body: string;
  contentType?: string;
}

export type RouteHandler = (req: IncomingMessage) => RouteResponse | Promise<RouteResponse>;
/** Exact paths (no query string) to handlers. */
export type Routes = Record<string, RouteHandler>;

export interface ProbeResult {
  ok: boolean;
  /** Why the probe fails (shown in the 500 body); ignored when ok. */
  reason?: string;
}
export type ProbeCheck = () => ProbeResult | Promise<ProbeResult>;

export interface RunningHttpServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  host: string;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** ':8080' (all interfaces), 'host:port', or '0' to disable. Port 0 in 'host:0' picks a free port. */
  addr: string;
  routes: Routes;
}

/** Parses a Go-style listen address. Returns undefined for '0' (disabled), like controller-runtime. */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } | undefined {
  if (addr === '0') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new Error(`listen address "${addr}" is not valid; use ":8080", "127.0.0.1:8080", or "0" to disable`);
  }
  const host = m[1] ?? m[2];
  return { host: host ? host : undefined, port };
}

/** Starts serving routes at addr; resolves once listening, or to undefined when addr is '0'. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer | undefined> {
  const listen = parseListenAddress(options.addr);
  if (!listen) return undefined;
  const server = createServer((req, res) => void respond(options.routes, req, res));
  // Probes and scrapes are short; don't let a stuck client hold a socket through shutdown.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return { port: bound.port, host: bound.address, close: () => closeServer(server) };
}

async function respond(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const handler = Object.hasOwn(routes, path) ? routes[path] : undefined;
  let out: RouteResponse;
  if (!handler) {
    out = { status: 404, body: `not found: ${path}\n` };
  } else if (req.method !== 'GET' && req.method !== 'HEAD') {
    out = { status: 405, body: 'method not allowed; use GET\n' };
  } else {
    try {
      out = await handler(req);
    } catch (err) {
      out = { status: 500, body: `${err instanceof Error ? err.message : String(err)}\n` };
    }
  }
  res.writeHead(out.status, {
    'content-type': out.contentType ?? 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(out.body),
  });
  res.end(req.method === 'HEAD' ? undefined : out.body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Idle keep-alive connections (Prometheus keeps one open) would otherwise delay close.
    server.closeAllConnections();
  });
}

/** /healthz (liveness) and /readyz (readiness): 200 "ok", or 500 with the reason. */
export function probeRoutes(checks: { live: ProbeCheck; ready: ProbeCheck }): Routes {
  return { '/healthz': probeHandler(checks.live), '/readyz': probeHandler(checks.ready) };
}

function probeHandler(check: ProbeCheck): RouteHandler {
  return async () => {
    const result = await check();
    return result.ok ? { status: 200, body: 'ok\n' } : { status: 500, body: `${result.reason ?? 'not ok'}\n` };
  };
}

/** /metrics in the Prometheus text format. */
export function metricsRoute(registry: Registry): Routes {
  return {
    '/metrics': async () => ({ status: 200, body: await registry.metrics(), contentType: registry.contentType }),
  };
}
