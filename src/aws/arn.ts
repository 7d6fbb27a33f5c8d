// ARNs the Customer Profiles API never returns and clients must compose
// (docs/design.md#aws-api-facts-the-code-relies-on).

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** `arn:<partition>:profile:<region>:<account>:domains/<domain>/integrations/<uri>`, raw Uri inside. */
export function integrationArn(region: string, account: string, domain: string, uri: string): string {
  return `${domainArn(region, account, domain)}/integrations/${uri}`;
}

/** `arn:<partition>:profile:<region>:<account>:domains/<domain>`. */
export function domainArn(region: string, account: string, domain: string): string {
  return `arn:${partitionOf(region)}:profile:${region}:${account}:domains/${domain}`;
}

/** `arn:<partition>:profile:<region>:<account>:domains/<domain>/object-types/<name>`. */
export function objectTypeArn(region: string, account: string, domain: string, name: string): string {
  return `${domainArn(region, account, domain)}/object-types/${name}`;
}

/** The account id inside an ARN such as a role ARN, if it has one. */
export function accountOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length >= 6 && /^\d{12}$/.test(parts[4] ?? '') ? parts[4] : undefined;
}

/** Flow-based integrations get a Uri AWS generates from the flow name. */
export function isFlowUriFor(uri: string, flowName: string): boolean {
  return /^arn:[^:]+:appflow:/.test(uri) && uri.endsWith(`:flow/${flowName}`);
}

/** The flow name inside an AppFlow flow ARN (the Uri AWS gives a flow-based integration). */
export function flowNameOfUri(uri: string | undefined): string | undefined {
  return uri?.match(/^arn:[^:]+:appflow:[^:]*:[^:]*:flow\/(.+)$/)?.[1];
}

/** The Uri AWS gives the integration of a flow it created: the AppFlow flow's ARN. */
export function flowUri(region: string, account: string, flowName: string): string {
  return `arn:${partitionOf(region)}:appflow:${region}:${account}:flow/${flowName}`;
}
