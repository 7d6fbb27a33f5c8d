// How an AWS failure is understood by the reconciler (docs/design.md#how-aws-failures-are-classified).
// The SDK's error classes are matched by name and status, never by instanceof alone: a 429
// without a type is "Unknown".

export type AwsFailureKind =
  | 'InvalidSpec' // BadRequestException: the request is wrong; only a spec change helps
  | 'NotFound' // ResourceNotFoundException
  | 'AccessDenied' // AccessDeniedException / 403: IAM must change
  | 'Throttled' // ThrottlingException / 429: retry, and slow the pacer
  | 'AWSUnavailable' // 5xx, network, timeouts: retry
  | 'CredentialsError' // no credentials, or STS refused them
  | 'NotLeader'; // this replica lost the lease: stop, never write

export class AwsFailure extends Error {
  readonly kind: AwsFailureKind;
  readonly operation: string;
  readonly requestId: string | undefined;
  constructor(kind: AwsFailureKind, operation: string, message: string, requestId?: string) {
    super(message);
    this.name = 'AwsFailure';
    this.kind = kind;
    this.operation = operation;
    this.requestId = requestId;
  }

  get retryable(): boolean {
    return !['InvalidSpec', 'AccessDenied', 'NotLeader'].includes(this.kind);
  }
}

type SdkError = {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
};

const credentialErrorNames = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
]);

/** Maps anything the SDK (or the network) throws to one of our failure kinds. */
export function classifyAwsError(err: unknown, operation: string): AwsFailure {
  if (err instanceof AwsFailure) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const requestId = e.$metadata?.requestId;
  const message = `${operation}: ${e.message || name || 'unknown error'}`;
  const make = (kind: AwsFailureKind) => new AwsFailure(kind, operation, message, requestId);

  if (name === 'ThrottlingException' || status === 429) return make('Throttled');
  if (credentialErrorNames.has(name)) return make('CredentialsError');
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) return make('AccessDenied');
  if (name === 'BadRequestException' || name === 'ValidationException') return make('InvalidSpec');
  if (name === 'ResourceNotFoundException' || status === 404) return make('NotFound');
  // 5xx, unparseable bodies, resets, refused connections, timeouts: all worth another try.
  return make('AWSUnavailable');
}
