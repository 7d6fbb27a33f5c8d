// The admin API under /_emulator/ (JSON in, JSON out): reset, state, the request log and its
// counters, faults, quotas, semantics (answers to the API's open points), object types, and
// out-of-band edits (domains, object types, integrations) made as someone in the AWS console would.
// Admin calls are not logged, throttled or faulted. src/emulator/admin-client.ts wraps it.
import { ApiError } from './errors.ts';
import type { ErrorRate } from './faults.ts';
import { checkSemantics } from './semantics.ts';
import type { EmulatorCore, Exchange } from './core.ts';

class AdminError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

type Body = Record<string, any>;

function parseBody(x: Exchange): Body {
  if (!x.body.length) return {};
  try {
    const v = JSON.parse(x.body.toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw new AdminError(400, 'the request body must be a JSON object');
}

function reply(x: Exchange, status: number, value: unknown) {
  const text = JSON.stringify(value);
  x.res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-RequestId': x.requestId });
  x.res.end(text);
}

const need = (b: Body, key: string, type: 'string' | 'number' = 'string') => {
  if (typeof b[key] !== type || b[key] === '') throw new AdminError(400, `"${key}" is required and must be a ${type}`);
  return b[key];
};

/** The `changes` object of an out-of-band edit (default `{}`). */
function changesOf(b: Body): Body {
  const changes = b.changes ?? {};
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) throw new AdminError(400, '"changes" must be an object');
  return changes;
}

function checkErrorRates(rates: unknown): Record<string, ErrorRate> {
  if (typeof rates !== 'object' || rates === null) throw new AdminError(400, '"errorRates" must be an object of {rate, status}');
  for (const [op, r] of Object.entries(rates as Record<string, any>)) {
    if (typeof r?.rate !== 'number' || r.rate < 0 || r.rate > 1 || (r.status !== 500 && r.status !== 429)) {
      throw new AdminError(400, `errorRates.${op}: use {"rate": 0..1, "status": 500 | 429}`);
    }
  }
  return rates as Record<string, ErrorRate>;
}

function checkNumbers(value: unknown, field: string, min: number): Record<string, number> {
  if (typeof value !== 'object' || value === null) throw new AdminError(400, `"${field}" must be an object of numbers`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !(v >= min)) throw new AdminError(400, `${field}.${k} must be a number >= ${min}`);
  }
  return value as Record<string, number>;
}

export async function handleAdmin(core: EmulatorCore, x: Exchange): Promise<void> {
  const method = x.req.method ?? 'GET';
  const path = x.rawPath.replace(/^\/_emulator/, '').replace(/\/$/, '') || '/';
  const route = `${method} ${path}`;
  try {
    const b = parseBody(x);
    const ctx = () => core.context(b.account ?? core.account, b.region ?? core.region);
    switch (route) {
      case 'GET /health':
        return reply(x, 200, { ok: true });
      case 'GET /config':
        return reply(x, 200, { region: core.region, account: core.account, quotas: core.quotas.current, semantics: core.semantics });
      case 'POST /reset':
        core.reset();
        return reply(x, 200, { ok: true });
      case 'GET /state':
        return reply(x, 200, core.state);
      case 'GET /requests': {
        const q = new URLSearchParams(x.rawQuery);
        const num = (k: string) => {
          if (!q.has(k)) return undefined;
          const n = Number(q.get(k));
          if (!Number.isInteger(n)) throw new AdminError(400, `query ${k} must be a whole number`);
          return n;
        };
        const filter = { since: num('since'), status: num('status'), limit: num('limit'), operation: q.get('operation') ?? undefined };
        return reply(x, 200, { lastSeq: core.log.lastSeq, entries: core.log.list(filter) });
      }
      case 'DELETE /requests':
        core.log.clear();
        return reply(x, 200, { ok: true, lastSeq: core.log.lastSeq });
      case 'GET /counters':
        return reply(x, 200, core.log.counts());
      case 'GET /faults':
        return reply(x, 200, core.faults.current);
      case 'PUT /faults': {
        const next: Body = {};
        if (b.errorRates !== undefined) next.errorRates = checkErrorRates(b.errorRates);
        if (b.latencyMs !== undefined) next.latencyMs = checkNumbers(b.latencyMs, 'latencyMs', 0);
        core.faults.set(next);
        return reply(x, 200, core.faults.current);
      }
      case 'DELETE /faults':
        core.faults.clear();
        return reply(x, 200, core.faults.current);
      case 'POST /faults/fail-next': {
        const operation = need(b, 'operation');
        const count = b.count ?? 1;
        if (!Number.isInteger(count) || count < 1) throw new AdminError(400, '"count" must be a whole number >= 1');
        core.faults.failNext(operation, count, b.errorType ?? 'InternalServerException');
        return reply(x, 200, core.faults.current);
      }
      case 'GET /quotas':
        return reply(x, 200, core.quotas.current);
      case 'PUT /quotas': {
        if (b.enabled !== undefined && typeof b.enabled !== 'boolean') throw new AdminError(400, '"enabled" must be true or false');
        const overrides = b.overrides === undefined ? undefined : checkNumbers(b.overrides, 'overrides', 0);
        core.quotas.set({ ...(b.enabled !== undefined ? { enabled: b.enabled } : {}), ...(overrides ? { overrides } : {}) });
        return reply(x, 200, core.quotas.current);
      }
      case 'GET /semantics':
        return reply(x, 200, core.semantics);
      case 'PUT /semantics': {
        // Checked whole before anything changes: a body with one bad switch changes nothing.
        let next;
        try {
          next = checkSemantics(b);
        } catch (err) {
          throw new AdminError(400, `semantics: ${(err as Error).message}`);
        }
        core.semantics = { ...core.semantics, ...next };
        return reply(x, 200, core.semantics);
      }
      case 'POST /object-types': {
        const domainName = need(b, 'domainName');
        const names = b.names;
        if (!Array.isArray(names) || !names.length || !names.every((n) => typeof n === 'string' && /^[a-zA-Z_][a-zA-Z_0-9-]*$/.test(n))) {
          throw new AdminError(400, '"names" must be a non-empty list of object type names (pattern ^[a-zA-Z_][a-zA-Z_0-9-]*$)');
        }
        return reply(x, 200, core.profiles.putObjectTypesOutOfBand(ctx(), domainName, names));
      }
      case 'POST /object-types/delete': {
        const domainName = need(b, 'domainName');
        const name = need(b, 'name');
        return reply(x, 200, core.profiles.deleteObjectTypeOutOfBand(ctx(), domainName, name));
      }
      case 'POST /domains': {
        const name = need(b, 'name');
        return reply(x, 200, core.profiles.createDomainOutOfBand(ctx(), name, b.expirationDays));
      }
      case 'PUT /domains': {
        const name = need(b, 'name');
        return reply(x, 200, core.profiles.updateDomainOutOfBand(ctx(), name, changesOf(b)));
      }
      case 'PUT /object-types': {
        const domainName = need(b, 'domainName');
        const name = need(b, 'name');
        return reply(x, 200, core.profiles.putObjectTypeOutOfBand(ctx(), domainName, name, changesOf(b)));
      }
      case 'PUT /integrations': {
        const domainName = need(b, 'domainName');
        const uri = need(b, 'uri');
        return reply(x, 200, core.profiles.putIntegrationOutOfBand(ctx(), domainName, uri, changesOf(b), b.hidden));
      }
      case 'POST /integrations/delete': {
        const domainName = need(b, 'domainName');
        const uri = need(b, 'uri');
        return reply(x, 200, core.profiles.deleteIntegrationOutOfBand(ctx(), domainName, uri));
      }
      default:
        throw new AdminError(404, `no admin route ${route}; see docs/emulator.md`);
    }
  } catch (err) {
    if (err instanceof AdminError) return reply(x, err.status, { error: err.message });
    if (err instanceof ApiError) return reply(x, err.status, { error: err.message, type: err.type });
    return reply(x, 500, { error: (err as Error).message });
  }
}
