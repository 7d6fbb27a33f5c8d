// Who is calling: the SigV4 Authorization header names an access key and a credential scope
// (date/region/service). The key decides the account (a configured key's account, an
// AssumeRole session's role account, else the default); the scope decides the region.
// With requireAuth, the header must be well formed, the key known, a session token current,
// and, when the key's secret is configured, the signature must verify.
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SessionRecord } from './state.ts';

export interface AccessKey {
  accessKeyId: string;
  /** When set, signatures made with this key are verified. */
  secretAccessKey?: string;
  /** The account the key belongs to (default: the emulator's account). */
  account?: string;
}

/** The keys `--require-auth` accepts when none are given: the AWS docs' example key and `test`. */
export const DEFAULT_ACCESS_KEYS: AccessKey[] = [
  { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { accessKeyId: 'test', secretAccessKey: 'test' },
];

export interface SigV4Header {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface Identity {
  account: string;
  region: string;
  accessKeyId?: string;
  arn: string;
  userId: string;
}

/** An authentication failure, with the error names of the restJson services and of STS. */
export class AuthError extends Error {
  readonly type: string;
  readonly stsCode: string;
  constructor(type: string, stsCode: string, message: string) {
    super(message);
    this.name = 'AuthError';
    this.type = type;
    this.stsCode = stsCode;
  }
}

const CREDENTIAL_RE = /^([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request$/;

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`; undefined if malformed. */
export function parseAuthorization(header: string): SigV4Header | undefined {
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(header.trim());
  if (!m) return undefined;
  const fields: Record<string, string> = {};
  for (const part of m[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const cred = CREDENTIAL_RE.exec(fields.Credential ?? '');
  const signedHeaders = (fields.SignedHeaders ?? '').split(';').filter(Boolean);
  if (!cred || !signedHeaders.includes('host') || !/^[0-9a-f]{64}$/.test(fields.Signature ?? '')) return undefined;
  return {
    accessKeyId: cred[1]!,
    date: cred[2]!,
    region: cred[3]!,
    service: cred[4]!,
    signedHeaders,
    signature: fields.Signature!,
  };
}

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const escapeUri = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface SignedRequest {
  method: string;
  /** The raw path as received (still percent-encoded once). */
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Recomputes the SigV4 signature the way the AWS SDKs build it (path encoded twice, as non-S3 services do). */
export function computeSignature(req: SignedRequest, auth: SigV4Header, secretAccessKey: string): string {
  const canonicalPath = escapeUri(req.rawPath || '/').replace(/%2F/g, '/');
  const params = new URLSearchParams(req.rawQuery);
  const byKey = new Map<string, string[]>();
  for (const [k, v] of params) {
    const ek = escapeUri(k);
    const list = byKey.get(ek) ?? [];
    list.push(`${ek}=${escapeUri(v)}`);
    byKey.set(ek, list);
  }
  const canonicalQuery = [...byKey.keys()]
    .sort()
    .map((k) => byKey.get(k)!.sort().join('&'))
    .join('&');
  const headerValue = (name: string) => {
    const v = req.headers[name];
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ');
  };
  const sorted = [...auth.signedHeaders].sort();
  const payloadHeader = headerValue('x-amz-content-sha256');
  const payloadHash = payloadHeader === 'UNSIGNED-PAYLOAD' ? payloadHeader : sha256hex(req.body);
  const canonicalRequest = [
    req.method,
    canonicalPath,
    canonicalQuery,
    sorted.map((h) => `${h}:${headerValue(h)}\n`).join(''),
    sorted.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const amzDate = headerValue('x-amz-date');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secretAccessKey}`, auth.date);
  key = hmac(key, auth.region);
  key = hmac(key, auth.service);
  key = hmac(key, 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

export interface AuthConfig {
  requireAuth: boolean;
  accessKeys: AccessKey[];
  defaultAccount: string;
  defaultRegion: string;
}

/** Resolves the caller, or throws AuthError when requireAuth rejects the request. */
export function identify(
  req: SignedRequest,
  cfg: AuthConfig,
  sessions: Record<string, SessionRecord>,
  nowMs: number,
): Identity {
  const header = req.headers.authorization;
  const auth = header ? parseAuthorization(header) : undefined;
  if (cfg.requireAuth) {
    if (!header) throw new AuthError('MissingAuthenticationTokenException', 'MissingAuthenticationToken', 'Missing Authentication Token');
    if (!auth) {
      throw new AuthError(
        'IncompleteSignatureException',
        'IncompleteSignature',
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' (including host) in AWS4-HMAC-SHA256 form.",
      );
    }
    if (!req.headers['x-amz-date']) {
      throw new AuthError('IncompleteSignatureException', 'IncompleteSignature', 'Authorization header requires existence of either a X-Amz-Date or a Date header.');
    }
  }
  const region = auth?.region ?? cfg.defaultRegion;
  if (!auth) return defaultIdentity(cfg.defaultAccount, region);

  const session = sessions[auth.accessKeyId];
  if (session) {
    if (cfg.requireAuth) {
      if (req.headers['x-amz-security-token'] !== session.SessionToken) {
        throw new AuthError('UnrecognizedClientException', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      if (session.Expiration <= nowMs) {
        throw new AuthError('ExpiredTokenException', 'ExpiredToken', 'The security token included in the request is expired');
      }
    }
    return { account: session.Account, region, accessKeyId: auth.accessKeyId, arn: session.Arn, userId: session.UserId };
  }
  const key = cfg.accessKeys.find((k) => k.accessKeyId === auth.accessKeyId);
  if (cfg.requireAuth) {
    if (!key) {
      throw new AuthError('UnrecognizedClientException', 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (key.secretAccessKey !== undefined && computeSignature(req, auth, key.secretAccessKey) !== auth.signature) {
      throw new AuthError(
        'InvalidSignatureException',
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      );
    }
  }
  const account = key?.account ?? cfg.defaultAccount;
  return {
    account,
    region,
    accessKeyId: auth.accessKeyId,
    arn: `arn:aws:iam::${account}:user/emulator`,
    userId: `AIDA${auth.accessKeyId.replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(0, 17) || 'EMULATOR'}`,
  };
}

function defaultIdentity(account: string, region: string): Identity {
  return { account, region, arn: `arn:aws:iam::${account}:user/emulator`, userId: 'AIDAEMULATOR' };
}
