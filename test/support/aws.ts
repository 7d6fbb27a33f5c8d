// The AWS side every test and benchmark reasons about: the emulator's default account and region,
// and which Customer Profiles operations write (a controller at rest must make none of them).
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'PutIntegration',
  'DeleteIntegration',
  'CreateDomain',
  'UpdateDomain',
  'DeleteDomain',
  'PutProfileObjectType',
  'DeleteProfileObjectType',
  'TagResource',
  'UntagResource',
]);

/** A distinct Amazon Connect instance ARN (valid against the schema's pattern): `tag` (8 hex digits)
 * starts the instance id and `n` ends it. */
export const connectInstanceArn = (tag: string, n: number, account = ACCOUNT): string =>
  `arn:aws:connect:${REGION}:${account}:instance/${tag}-0000-4000-8000-${String(n).padStart(12, '0')}`;
