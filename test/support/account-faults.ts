// A proxy in front of the emulator that makes one AWS account misbehave, as AWS can for one
// account (a noisy neighbour on its quota, a regional incident): a share of that account's
// Customer Profiles calls is answered 429 ThrottlingException by the proxy itself, and the rest
// may be held for a while before they pass through (slow answers). The emulator's faults are global; this is per account. The account of a call is read
// from its SigV4 access key: the proxy notes which role (and so which account) each AssumeRole
// session was issued for, as the answers pass through it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http.ts';

export interface AccountFaults {
  url: string;
  /** Fail this share (0..1) of `account`'s Customer Profiles calls with ThrottlingException. */
  throttle(account: string, rate: number): void;
  /** Hold each of `account`'s Customer Profiles calls this long before passing it on. */
  slow(account: string, ms: number): void;
  /** Calls answered with an injected 429, by account. */
  readonly injected: Map<string, number>;
  /** Calls passed through, by account. */
  readonly passed: Map<string, number>;
  stop(): Promise<void>;
}

const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export async function startAccountFaults(target: string, random: () => number = Math.random): Promise<AccountFaults> {
  const rates = new Map<string, number>();
  const delays = new Map<string, number>();
  const accountOfKey = new Map<string, string>();
  const injected = new Map<string, number>();
  const passed = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const key = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      const form = req.headers['content-type']?.includes('x-www-form-urlencoded') ? new URLSearchParams(raw.toString('utf8')) : undefined;
      const sts = form?.has('Action') ?? false;
      const account = accountOfKey.get(key) ?? 'default';
      if (!sts && random() < (rates.get(account) ?? 0)) {
        count(injected, account);
        const body = JSON.stringify({ message: 'Rate exceeded (injected for this account by the bench proxy)' });
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException', 'x-amzn-requestid': `proxy-${Date.now()}`, 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (!sts) count(passed, account);
      const delay = sts ? 0 : (delays.get(account) ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) continue;
        headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      const method = req.method ?? 'GET';
      const answer = await fetch(`${target}${req.url}`, { method, headers, ...(raw.length && method !== 'GET' && method !== 'HEAD' ? { body: raw } : {}) });
      const out = Buffer.from(await answer.arrayBuffer());
      if (form?.get('Action') === 'AssumeRole' && answer.ok) {
        const roleAccount = /^arn:aws:iam::(\d{12}):/.exec(form.get('RoleArn') ?? '')?.[1];
        const sessionKey = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(out.toString('utf8'))?.[1];
        if (roleAccount && sessionKey) accountOfKey.set(sessionKey, roleAccount);
      }
      const back: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) back[k] = v;
      });
      res.writeHead(answer.status, { ...back, 'content-length': out.length });
      res.end(out);
    })().catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`account-faults proxy: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    throttle: (account, rate) => void rates.set(account, rate),
    slow: (account, ms) => void delays.set(account, ms),
    injected,
    passed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
