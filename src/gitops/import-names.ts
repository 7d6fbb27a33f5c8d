// Resource names for imported integrations, derived from the Uri so that a re-import names the
// same integration the same way: DNS-1123 labels (lowercase letters, digits, '-', at most 63),
// unique within one import.
import { createHash } from 'node:crypto';

const MAX = 63;

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 6);

function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The readable part of a Uri: `flow/orders` -> orders, `instance/ID` -> connect-ID, `s3://b/p` -> s3-b-p. */
function baseName(uri: string): string {
  const arn = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/.exec(uri);
  if (arn) {
    const [, service, resource] = arn as unknown as [string, string, string];
    if (service === 'appflow') return resource.replace(/^flow\//, '');
    return `${service}-${resource.replace(/^instance\//, '')}`;
  }
  return uri.replace(/^([a-z0-9]+):\/\//i, '$1-');
}

/** A DNS-1123 label for the Uri; long names keep their start and get a hash of the whole Uri. */
export function nameForUri(uri: string): string {
  let name = sanitize(baseName(uri)) || 'integration';
  if (!/^[a-z]/.test(name)) name = `i-${name}`;
  if (name.length > MAX) name = `${name.slice(0, MAX - 7).replace(/-+$/, '')}-${shortHash(uri)}`;
  return name;
}

/** A DNS-1123 label for an AWS name (a domain's, an object type's): `_` and other marks become `-`. */
export function nameForAwsName(text: string, prefix: string): string {
  let name = sanitize(text) || prefix;
  if (!/^[a-z]/.test(name)) name = `${prefix}-${name}`;
  if (name.length > MAX) name = `${name.slice(0, MAX - 7).replace(/-+$/, '')}-${shortHash(text)}`;
  return name;
}

/** Names for every Uri, in order; a name two Uris would share gets each a hash of its Uri. */
export function uniqueNames(uris: string[], nameOf: (text: string) => string = nameForUri): string[] {
  const names = uris.map(nameOf);
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const taken = new Set<string>();
  return names.map((n, i) => {
    let name = n;
    if (count.get(n)! > 1 || taken.has(n)) name = `${n.slice(0, MAX - 7).replace(/-+$/, '')}-${shortHash(uris[i]!)}`;
    for (let k = 2; taken.has(name); k++) name = `${n.slice(0, MAX - 10)}-${shortHash(uris[i]!)}-${k}`;
    taken.add(name);
    return name;
  });
}
