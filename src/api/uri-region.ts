// A Uri that names another region than the resource's: usually a copy-paste slip (an instance
// ARN from another environment). Whether AWS accepts such a source is not documented, so it is a
// Warning, never an error. Pure: `cpi validate` prints it; the reconciler can emit it as an Event.

/** The region field of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`); undefined when empty (S3) or not an ARN. */
export function regionOfArn(uri: string): string | undefined {
  const parts = uri.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return parts[3] || undefined;
}

/**
 * The warning for a spec whose `uri` is an ARN in another region than `spec.region` (or, when
 * the spec has none, `defaultRegion`: the controller's --region). Undefined when they agree or
 * either is unknown.
 */
export function uriRegionWarning(spec: { uri?: string | undefined; region?: string | undefined }, defaultRegion?: string): { path: string; message: string } | undefined {
  const region = spec.region || defaultRegion;
  const uriRegion = spec.uri ? regionOfArn(spec.uri) : undefined;
  if (!region || !uriRegion || uriRegion === region) return undefined;
  const from = spec.region ? 'spec.region' : 'the controller\'s default region';
  return {
    path: 'spec.uri',
    message: `the ARN is in region ${uriRegion} but the integration is managed in ${region} (${from}); a source in another region is unusual: check that this is meant`,
  };
}
