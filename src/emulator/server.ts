// The emulator's HTTP server: Customer Profiles (restJson1), STS (awsQuery, POST /) and AppFlow
// DescribeFlow, UpdateFlow and DeleteFlow on one port, plus the admin API under /_emulator/. A request goes through
// identify -> added latency -> injected fault -> quota -> decode + validate -> handler, and
// every API request (not admin calls) lands in the request log.
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleAdmin } from './admin.ts';
import type { EmulatorCore, Exchange } from './core.ts';
import { deleteFlow, describeFlow, updateFlow } from './appflow.ts';
import { type AccessKey, AuthError, DEFAULT_ACCESS_KEYS, type Identity, identify, parseAuthorization } from './auth.ts';
import { type CallContext, CustomerProfiles } from './customer-profiles.ts';
import { ApiError, statusOf } from './errors.ts';
import { type FaultSettings, Faults, emptyFaults } from './faults.ts';
import { loadState, saveState } from './persistence.ts';
import { Quotas } from './quotas.ts';
import { type RequestLogEntry, RequestLog } from './request-log.ts';
import { type RouteMatch, Router, assembleInput } from './routes.ts';
import { type Semantics, checkSemantics, defaultSemantics } from './semantics.ts';
import { peekRegion } from './state.ts';
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
  /** Object types per domain (AWS's default quota: 100). */
  maxObjectTypesPerDomain?: number;
  requestLogLimit?: number;
  /** Epoch milliseconds (tests can pass a fake clock). */
  now?: () => number;
  random?: () => number;
  /** Check every Customer Profiles answer against the model's output shape (tests turn this on). */
  checkResponses?: boolean;
  /** Called once per API request after it is answered (the CLI's --verbose). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Answers to the open points of the API (--semantics); unset switches keep their default. */
  semantics?: Partial<Semantics>;
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

/** One API call as it goes through the pipeline; `logged` is what the request log shows as its body. */
interface Call {
  api: 'profiles' | 'sts' | 'appflow';
  operation: string;
  match?: RouteMatch | undefined;
  form?: URLSearchParams;
  identity?: Identity;
  logged?: unknown;
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  try {
    const parsed = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new ApiError('SerializationException', 'The request body is not a JSON object.');
}

const isStsRequest = (x: Exchange) =>
  x.req.method === 'POST' &&
  (x.rawPath === '/' || x.rawPath === '') &&
  /^application\/x-www-form-urlencoded/i.test(String(x.req.headers['content-type'] ?? ''));

/** STS spells throttling and internal errors its own way. */
function stsCodeFor(type: string): [code: string, status: number] {
  if (type === 'ThrottlingException') return ['Throttling', 400];
  if (type === 'InternalServerException') return ['InternalFailure', 500];
  return [type, statusOf(type)];
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
  const initialSemantics: Semantics = { ...defaultSemantics(), ...checkSemantics({ ...(opts.semantics ?? {}) }) };

  const core: EmulatorCore = {
    region,
    account,
    state: stateFile ? loadState(stateFile) : { version: 1, accounts: {}, sessions: {} },
    log: new RequestLog(opts.requestLogLimit),
    faults: new Faults(initialFaults, opts.random),
    quotas: new Quotas(initialQuotas, now),
    initialQuotas,
    semantics: { ...initialSemantics },
    profiles: new CustomerProfiles(() => core.state, {
      now,
      maxIntegrationsPerDomain: opts.maxIntegrationsPerDomain ?? 50,
      maxDomains: opts.maxDomains ?? 100,
      maxObjectTypesPerDomain: opts.maxObjectTypesPerDomain ?? 100,
      onChange: () => core.persist(),
      semantics: () => core.semantics,
    }),
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
      core.semantics = { ...initialSemantics };
      core.persist();
    },
    context(acct = account, reg = region) {
      return { account: acct, region: reg, partition: 'aws', callerArn: `arn:aws:iam::${acct}:user/console` };
    },
  };

  /** Which API and operation a request is for, decided before anything else looks at it. */
  function classify(x: Exchange, method: string): Call {
    if (isStsRequest(x)) {
      const form = new URLSearchParams(x.body.toString('utf8'));
      const logged = Object.fromEntries(form);
      if (logged.WebIdentityToken) logged.WebIdentityToken = '***';
      return { api: 'sts', operation: form.get('Action') ?? 'Unknown', form, logged };
    }
    if (method === 'POST' && x.rawPath === '/describe-flow') return { api: 'appflow', operation: 'DescribeFlow' };
    if (method === 'POST' && x.rawPath === '/delete-flow') return { api: 'appflow', operation: 'DeleteFlow' };
    if (method === 'POST' && x.rawPath === '/update-flow') return { api: 'appflow', operation: 'UpdateFlow' };
    const match = router.match(method, x.rawPath);
    return { api: 'profiles', operation: match?.operation ?? 'Unknown', match };
  }

  /** What every API call passes first: who is calling, added latency, injected faults, quota. */
  async function gate(x: Exchange, method: string, call: Call): Promise<Identity> {
    // AssumeRoleWithWebIdentity is unsigned in AWS too: the web identity token is the credential.
    const unsigned = call.api === 'sts' && call.operation === 'AssumeRoleWithWebIdentity';
    const identity = identify(
      { method, rawPath: x.rawPath, rawQuery: x.rawQuery, headers: x.req.headers, body: x.body },
      unsigned ? { ...authConfig, requireAuth: false } : authConfig,
      core.state.sessions,
      now(),
    );
    call.identity = identity;
    const latency = core.faults.latencyFor(call.operation);
    if (latency > 0) await sleep(latency);
    const fault = core.faults.pick(call.operation);
    if (fault) throw new ApiError(fault, `Injected fault: ${fault} (emulator fault injection).`);
    if (!core.quotas.take(identity.account, identity.region, call.operation)) throw new ApiError('ThrottlingException', 'Rate exceeded');
    return identity;
  }

  function answerSts(x: Exchange, call: Call, identity: Identity): string {
    if (call.operation === 'GetCallerIdentity') return getCallerIdentity(identity, x.requestId);
    if (call.operation === 'AssumeRole' || call.operation === 'AssumeRoleWithWebIdentity') {
      pruneSessions(core.state.sessions, now());
      const { xml } = assumeRole(call.form!, core.state.sessions, now(), x.requestId, call.operation);
      core.persist();
      return xml;
    }
    throw new StsError('InvalidAction', `Could not find operation ${call.operation} for version ${call.form!.get('Version') ?? '(none)'}`);
  }

  function answerAppFlow(call: Call, body: Record<string, unknown>, identity: Identity): unknown {
    call.logged = body;
    const name = body.flowName;
    if (typeof name !== 'string' || !name) {
      throw new ApiError('ValidationException', "1 validation error detected: Value null at 'flowName' failed to satisfy constraint: Member must not be null");
    }
    const rs = peekRegion(core.state, identity.account, identity.region);
    if (call.operation === 'DeleteFlow' || call.operation === 'UpdateFlow') {
      const out =
        call.operation === 'DeleteFlow'
          ? deleteFlow(rs, name, body.forceDelete === true)
          : updateFlow(rs, body, now() / 1000, core.semantics['past-start-time']);
      core.persist();
      return out;
    }
    const flow = rs?.Flows[name];
    if (!flow) throw new ApiError('ResourceNotFoundException', `Flow ${name} does not exist.`, 404);
    return describeFlow(flow);
  }

  function answerProfiles(x: Exchange, method: string, call: Call, body: Record<string, unknown>, identity: Identity): unknown {
    if (!call.match) throw new ApiError('UnknownOperationException', `No operation matches ${method} ${x.rawPath}.`);
    const input = assembleInput(call.match, new URLSearchParams(x.rawQuery), body);
    call.logged = input;
    validator.check(call.match.spec.input, input);
    const ctx: CallContext = { account: identity.account, region: identity.region, partition: 'aws', callerArn: identity.arn };
    const out = core.profiles.handle(call.operation, ctx, input);
    if (opts.checkResponses) validator.checkResponse(call.match.spec.output, out);
    return out;
  }

  /** Sends an error in the protocol of the API called; returns [status, error type] for the log. */
  function sendError(x: Exchange, call: Call, err: unknown): [number, string] {
    if (call.api === 'sts') {
      const [code, status] =
        err instanceof AuthError
          ? [err.stsCode, 403]
          : err instanceof StsError
            ? [err.code, err.status]
            : err instanceof ApiError
              ? stsCodeFor(err.type)
              : ['InternalFailure', 500];
      send(x.res, status, x.requestId, stsErrorXml(code, (err as Error).message, x.requestId, status), 'text/xml');
      return [status, code];
    }
    const apiErr =
      err instanceof ApiError
        ? err
        : err instanceof AuthError
          ? new ApiError(err.type, err.message, 403)
          : new ApiError('InternalServerException', `emulator bug: ${(err as Error).message}`, 500);
    sendJsonError(x, apiErr);
    return [apiErr.status, apiErr.type];
  }

  function logCall(x: Exchange, method: string, call: Call, status: number, errorType: string | undefined) {
    const entry: RequestLogEntry = {
      seq: core.log.nextSeq(),
      time: x.started,
      operation: call.operation,
      method,
      path: x.rawPath + (x.rawQuery ? `?${x.rawQuery}` : ''),
      status,
      requestId: x.requestId,
      region: call.identity?.region ?? region,
      account: call.identity?.account ?? account,
      body: call.logged,
      durationMs: now() - x.started,
    };
    if (errorType) entry.errorType = errorType;
    // Rejected calls too: the key named in the Authorization credential is what tests look for.
    const accessKeyId = call.identity?.accessKeyId ?? parseAuthorization(String(x.req.headers.authorization ?? ''))?.accessKeyId;
    if (accessKeyId) entry.accessKeyId = accessKeyId;
    const ua = x.req.headers['user-agent'];
    if (ua) entry.userAgent = ua;
    core.log.add(entry);
    opts.onRequest?.(entry);
  }

  async function handleApi(x: Exchange): Promise<void> {
    const method = x.req.method ?? 'GET';
    let call: Call = { api: 'profiles', operation: 'Unknown' };
    let status = 200;
    let errorType: string | undefined;
    try {
      call = classify(x, method);
      const identity = await gate(x, method, call);
      if (call.api === 'sts') {
        send(x.res, 200, x.requestId, answerSts(x, call, identity), 'text/xml');
      } else {
        const body = parseJsonBody(x.body);
        const out = call.api === 'appflow' ? answerAppFlow(call, body, identity) : answerProfiles(x, method, call, body, identity);
        send(x.res, 200, x.requestId, JSON.stringify(out), 'application/json');
      }
    } catch (err) {
      [status, errorType] = sendError(x, call, err);
    } finally {
      logCall(x, method, call, status, errorType);
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

  // Node closes idle keep-alive sockets after 5 s; a client that reuses one at that instant gets
  // ECONNRESET, which a client with maxAttempts 1 reports as an outage. Keep them as long as AWS's
  // front ends do (about a minute) so that race is rare, as it is against AWS.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;

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
