// The emulator's HTTP server: Customer Profiles (restJson1), STS (awsQuery, POST /) and AppFlow
// DescribeFlow on one port, plus the admin API under /_emulator/. A request goes through
// identify -> added latency -> injected fault -> quota -> decode + validate -> handler, and
// every API request (not admin calls) lands in the request log.
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAdmin } from './admin.ts';
import { describeFlow } from './appflow.ts';
import { type AccessKey, AuthError, DEFAULT_ACCESS_KEYS, type Identity, identify, parseAuthorization } from './auth.ts';
import { type CallContext, CustomerProfiles } from './customer-profiles.ts';
import { ApiError, statusOf } from './errors.ts';
import { type FaultSettings, Faults, emptyFaults } from './faults.ts';
import { loadState, saveState } from './persistence.ts';
import { Quotas } from './quotas.ts';
import { type RequestLogEntry, RequestLog } from './request-log.ts';
import { Router, assembleInput } from './routes.ts';
import { type EmulatorState, regionState } from './state.ts';
import { StsError, assumeRole, getCallerIdentity, pruneSessions, stsErrorXml } from './sts.ts';
import { Validator } from './validate.ts';

export interface EmulatorOptions {
  /** Interface to bind (default 127.0.0.1: the emulator is for this machine unless told otherwise). */
  host?: string;
  /** 0 picks a free port (default 0). */
  port?: number;
  region?: string;
  account?: string;
  /** AWS default per-operation TPS quotas (default true). */
  quotas?: boolean;
  /** Operation -> TPS, replacing the default for that operation. */
  quotaOverrides?: Record<string, number>;
  /** Persist state to this file (atomic writes); absent = in memory only. */
  stateFile?: string;
  requireAuth?: boolean;
  /** Keys accepted with requireAuth (default DEFAULT_ACCESS_KEYS); also map keys to accounts without it. */
  accessKeys?: AccessKey[];
  faults?: Partial<FaultSettings>;
  maxIntegrationsPerDomain?: number;
  maxDomains?: number;
  requestLogLimit?: number;
  /** Epoch milliseconds (tests can pass a fake clock). */
  now?: () => number;
  random?: () => number;
  /** Called once per API request after it is answered (the CLI's --verbose). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningEmulator {
  url: string;
  host: string;
  port: number;
  region: string;
  account: string;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

/** Everything a request handler (API or admin) can reach. */
export interface EmulatorCore {
  region: string;
  account: string;
  state: EmulatorState;
  readonly log: RequestLog;
  readonly faults: Faults;
  readonly quotas: Quotas;
  readonly profiles: CustomerProfiles;
  readonly initialQuotas: { enabled: boolean; overrides: Record<string, number> };
  persist(): void;
  reset(): void;
  context(account?: string, region?: string): CallContext;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  rawPath: string;
  rawQuery: string;
  body: Buffer;
  requestId: string;
  started: number;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError('SerializationException', `request body larger than ${MAX_BODY} bytes`, 413));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, requestId: string, body: string, contentType: string, extra: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    ...extra,
  });
  res.end(body);
}

function sendJsonError(x: Exchange, err: ApiError) {
  send(x.res, err.status, x.requestId, JSON.stringify({ Message: err.message, message: err.message }), 'application/json', {
    'x-amzn-ErrorType': err.type,
  });
}

const isStsRequest = (x: Exchange) =>
  x.req.method === 'POST' &&
  (x.rawPath === '/' || x.rawPath === '') &&
  /^application\/x-www-form-urlencoded/i.test(String(x.req.headers['content-type'] ?? ''));

/** STS spells throttling and internal errors its own way. */
function stsCodeFor(type: string): { code: string; status: number } {
  if (type === 'ThrottlingException') return { code: 'Throttling', status: 400 };
  if (type === 'InternalServerException') return { code: 'InternalFailure', status: 500 };
  return { code: type, status: statusOf(type) };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = opts.now ?? Date.now;
  const region = opts.region ?? 'us-east-1';
  const account = opts.account ?? '123456789012';
  const stateFile = opts.stateFile;
  const accessKeys = opts.accessKeys?.length ? opts.accessKeys : DEFAULT_ACCESS_KEYS;
  const authConfig = { requireAuth: opts.requireAuth ?? false, accessKeys, defaultAccount: account, defaultRegion: region };
  const router = new Router();
  const validator = new Validator();
  const initialQuotas = { enabled: opts.quotas ?? true, overrides: { ...(opts.quotaOverrides ?? {}) } };
  const initialFaults: FaultSettings = { ...emptyFaults(), ...structuredClone(opts.faults ?? {}) };

  const core: EmulatorCore = {
    region,
    account,
    state: stateFile ? loadState(stateFile) : { version: 1, accounts: {}, sessions: {} },
    log: new RequestLog(opts.requestLogLimit),
    faults: new Faults(initialFaults, opts.random),
    quotas: new Quotas(initialQuotas, now),
    initialQuotas,
    profiles: undefined as unknown as CustomerProfiles,
    persist() {
      if (stateFile) saveState(stateFile, core.state);
    },
    reset() {
      // Issued STS sessions survive a reset: they are credentials a running client has cached,
      // not resources, and dropping them would silently move its calls to the default account.
      core.state = { version: 1, accounts: {}, sessions: core.state.sessions };
      core.log.clear();
      core.faults.clear();
      core.quotas.set(initialQuotas);
      core.persist();
    },
    context(acct = account, reg = region) {
      return { account: acct, region: reg, partition: 'aws', callerArn: `arn:aws:iam::${acct}:user/console` };
    },
  };
  (core as { profiles: CustomerProfiles }).profiles = new CustomerProfiles(() => core.state, {
    now,
    maxIntegrationsPerDomain: opts.maxIntegrationsPerDomain ?? 50,
    maxDomains: opts.maxDomains ?? 100,
    onChange: () => core.persist(),
  });

  async function handleApi(x: Exchange): Promise<void> {
    const sts = isStsRequest(x);
    const method = x.req.method ?? 'GET';
    const form = sts ? new URLSearchParams(x.body.toString('utf8')) : undefined;
    let operation = 'Unknown';
    let status = 200;
    let errorType: string | undefined;
    let identity: Identity | undefined;
    let logged: unknown;
    try {
      const match = sts || x.rawPath === '/describe-flow' ? undefined : router.match(method, x.rawPath);
      operation = sts ? (form!.get('Action') ?? 'Unknown') : x.rawPath === '/describe-flow' && method === 'POST' ? 'DescribeFlow' : (match?.operation ?? 'Unknown');
      if (sts) {
        const params = Object.fromEntries(form!);
        if (params.WebIdentityToken) params.WebIdentityToken = '***';
        logged = params;
      }

      // AssumeRoleWithWebIdentity is unsigned in AWS too: the web identity token is the credential.
      const unsigned = sts && operation === 'AssumeRoleWithWebIdentity';
      identity = identify(
        { method, rawPath: x.rawPath, rawQuery: x.rawQuery, headers: x.req.headers, body: x.body },
        unsigned ? { ...authConfig, requireAuth: false } : authConfig,
        core.state.sessions,
        now(),
      );

      const latency = core.faults.latencyFor(operation);
      if (latency > 0) await sleep(latency);

      const fault = core.faults.pick(operation);
      if (fault) throw new ApiError(fault, `Injected fault: ${fault} (emulator fault injection).`);
      if (!core.quotas.take(identity.account, identity.region, operation)) throw new ApiError('ThrottlingException', 'Rate exceeded');

      if (sts) {
        if (operation === 'GetCallerIdentity') return void sendXml(getCallerIdentity(identity, x.requestId));
        if (operation === 'AssumeRole' || operation === 'AssumeRoleWithWebIdentity') {
          pruneSessions(core.state.sessions, now());
          const { xml } = assumeRole(form!, core.state.sessions, now(), x.requestId, operation);
          core.persist();
          return void sendXml(xml);
        }
        throw new StsError('InvalidAction', `Could not find operation ${operation} for version ${form!.get('Version') ?? '(none)'}`);
      }

      let body: Record<string, unknown> = {};
      if (x.body.length) {
        try {
          const parsed = JSON.parse(x.body.toString('utf8'));
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
          body = parsed;
        } catch {
          throw new ApiError('SerializationException', 'The request body is not a JSON object.');
        }
      }

      if (operation === 'DescribeFlow') {
        logged = body;
        const name = body.flowName;
        if (typeof name !== 'string' || !name) throw new ApiError('ValidationException', "1 validation error detected: Value null at 'flowName' failed to satisfy constraint: Member must not be null");
        const flow = regionState(core.state, identity.account, identity.region).Flows[name];
        if (!flow) throw new ApiError('ResourceNotFoundException', `Flow ${name} does not exist.`, 404);
        return void sendJson(describeFlow(flow));
      }
      if (!match) throw new ApiError('UnknownOperationException', `No operation matches ${method} ${x.rawPath}.`);
      const input = assembleInput(match, new URLSearchParams(x.rawQuery), body);
      logged = input;
      validator.check(match.spec.input, input);
      const ctx: CallContext = { account: identity.account, region: identity.region, partition: 'aws', callerArn: identity.arn };
      sendJson(core.profiles.handle(operation, ctx, input));
    } catch (err) {
      if (err instanceof AuthError) {
        errorType = sts ? err.stsCode : err.type;
        status = 403;
        if (sts) sendXmlError(err.stsCode, err.message, 403);
        else sendJsonError(x, new ApiError(err.type, err.message, 403));
      } else if (err instanceof StsError) {
        errorType = err.code;
        status = err.status;
        sendXmlError(err.code, err.message, err.status);
      } else if (err instanceof ApiError) {
        if (sts) {
          const { code, status: s } = stsCodeFor(err.type);
          errorType = code;
          status = s;
          sendXmlError(code, err.message, s);
        } else {
          errorType = err.type;
          status = err.status;
          sendJsonError(x, err);
        }
      } else {
        errorType = 'InternalServerException';
        status = 500;
        sendJsonError(x, new ApiError('InternalServerException', `emulator bug: ${(err as Error).message}`, 500));
      }
    } finally {
      const entry: RequestLogEntry = {
        seq: core.log.nextSeq(),
        time: x.started,
        operation,
        method,
        path: x.rawPath + (x.rawQuery ? `?${x.rawQuery}` : ''),
        status,
        requestId: x.requestId,
        region: identity?.region ?? region,
        account: identity?.account ?? account,
        body: logged,
        durationMs: now() - x.started,
      };
      if (errorType) entry.errorType = errorType;
      // Rejected calls too: the key named in the Authorization credential is what tests look for.
      const accessKeyId = identity?.accessKeyId ?? parseAuthorization(String(x.req.headers.authorization ?? ''))?.accessKeyId;
      if (accessKeyId) entry.accessKeyId = accessKeyId;
      const ua = x.req.headers['user-agent'];
      if (ua) entry.userAgent = ua;
      core.log.add(entry);
      opts.onRequest?.(entry);
    }

    function sendJson(out: unknown) {
      send(x.res, 200, x.requestId, JSON.stringify(out), 'application/json');
    }
    function sendXml(xml: string) {
      send(x.res, 200, x.requestId, xml, 'text/xml');
    }
    function sendXmlError(code: string, message: string, s: number) {
      send(x.res, s, x.requestId, stsErrorXml(code, message, x.requestId, s), 'text/xml');
    }
  }

  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    const started = now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const x: Exchange = {
      req,
      res,
      rawPath: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      body: Buffer.alloc(0),
      requestId: randomUUID(),
      started,
    };
    readBody(req)
      .then(async (body) => {
        x.body = body;
        if (x.rawPath === '/_emulator' || x.rawPath.startsWith('/_emulator/')) await handleAdmin(core, x);
        else await handleApi(x);
      })
      .catch((err) => {
        if (res.headersSent) return res.destroy();
        sendJsonError(x, err instanceof ApiError ? err : new ApiError('InternalServerException', String(err), 500));
      });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    region,
    account,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

export type { Exchange };
