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
