// STS over the awsQuery protocol (POST / with a form body, XML answers): GetCallerIdentity and
// AssumeRole. A session's keys map to the account in the role ARN, so one emulator can play
// several accounts for per-namespace role assumption.
import { randomBytes } from 'node:crypto';
import type { Identity } from './auth.ts';
import type { SessionRecord } from './state.ts';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export class StsError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'StsError';
    this.code = code;
    this.status = status;
  }
}

const xmlEscape = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

const alnum = (n: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(n)].map((b) => chars[b % 32]).join('');
};

export function stsErrorXml(code: string, message: string, requestId: string, status: number): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function wrap(action: string, inner: string, requestId: string): string {
  return `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function getCallerIdentity(id: Identity, requestId: string): string {
  return wrap(
    'GetCallerIdentity',
    `<Arn>${xmlEscape(id.arn)}</Arn><UserId>${xmlEscape(id.userId)}</UserId><Account>${id.account}</Account>`,
    requestId,
  );
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/**
 * Issues a session for AssumeRole or AssumeRoleWithWebIdentity (IRSA's call: unsigned, with the
 * pod's token); `sessions` gets the new keys. Returns the XML answer.
 */
export function assumeRole(
  params: URLSearchParams,
  sessions: Record<string, SessionRecord>,
  nowMs: number,
  requestId: string,
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' = 'AssumeRole',
): { xml: string; session: SessionRecord } {
  const token = params.get('WebIdentityToken');
  if (action === 'AssumeRoleWithWebIdentity' && !token) {
    throw new StsError('ValidationError', "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
  }
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  if (!roleArn) throw new StsError('ValidationError', "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!sessionName) {
    throw new StsError('ValidationError', "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new StsError(
      'ValidationError',
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw new StsError('ValidationError', `${roleArn} is invalid`);
  const duration = params.has('DurationSeconds') ? Number(params.get('DurationSeconds')) : 3600;
  if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
    throw new StsError(
      'ValidationError',
      `1 validation error detected: Value '${params.get('DurationSeconds')}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
    );
  }
  const account = m[1]!;
  const roleName = m[2]!;
  const roleId = `AROA${alnum(17)}`;
  const session: SessionRecord = {
    AccessKeyId: `ASIA${alnum(16)}`,
    SessionToken: randomBytes(48).toString('base64'),
    Account: account,
    Arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    UserId: `${roleId}:${sessionName}`,
    Expiration: nowMs + duration * 1000,
  };
  sessions[session.AccessKeyId] = session;
  const secret = randomBytes(30).toString('base64');
  const webIdentity =
    action === 'AssumeRoleWithWebIdentity'
      ? `<SubjectFromWebIdentityToken>system:serviceaccount:emulator</SubjectFromWebIdentityToken>` +
        `<Audience>sts.amazonaws.com</Audience><Provider>emulator</Provider>`
      : '';
  const xml = wrap(
    action,
    `<Credentials><AccessKeyId>${session.AccessKeyId}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey>` +
      `<SessionToken>${session.SessionToken}</SessionToken><Expiration>${new Date(session.Expiration).toISOString()}</Expiration></Credentials>` +
      `<AssumedRoleUser><AssumedRoleId>${xmlEscape(session.UserId)}</AssumedRoleId><Arn>${xmlEscape(session.Arn)}</Arn></AssumedRoleUser>` +
      `<PackedPolicySize>0</PackedPolicySize>${webIdentity}`,
    requestId,
  );
  return { xml, session };
}

/** Drops sessions that expired, so a long-running emulator does not grow without bound. */
export function pruneSessions(sessions: Record<string, SessionRecord>, nowMs: number): boolean {
  let changed = false;
  for (const [k, s] of Object.entries(sessions)) {
    if (s.Expiration <= nowMs) {
      delete sessions[k];
      changed = true;
    }
  }
  return changed;
}
