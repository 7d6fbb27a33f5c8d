// The emulator admin calls that make examples/ convergeable against an empty emulator: one domain
// per (region, domainName), and, for Observe-mode examples, the integration they watch (made out
// of band, as a console user would). Prints them as JSON for scripts/kind-e2e.sh, which replays
// them inside the emulator's Pod:
//   node scripts/emulator-seed.ts examples/ [DEFAULT_REGION]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { KIND } from '../src/api/group.ts';

export interface AdminRequest {
  method: 'POST' | 'PUT';
  path: string;
  body: Record<string, unknown>;
}

type Resource = { kind?: string; spec?: Record<string, any> };

/** Pure: the admin requests for these resources, domains first, each once. */
export function seedRequests(resources: Resource[], defaultRegion = 'us-east-1'): AdminRequest[] {
  const domains = new Map<string, AdminRequest>();
  const integrations: AdminRequest[] = [];
  for (const r of resources) {
    if (r?.kind !== KIND || typeof r.spec?.domainName !== 'string') continue;
    const region: string = r.spec.region ?? defaultRegion;
    const name: string = r.spec.domainName;
    domains.set(`${region}/${name}`, { method: 'POST', path: '/_emulator/domains', body: { name, region } });
    if (r.spec.managementPolicy === 'Observe' && typeof r.spec.uri === 'string') {
      const changes: Record<string, unknown> = { ObjectTypeName: r.spec.objectTypeName ?? 'CTR' };
      if (r.spec.objectTypeNames) changes.ObjectTypeNames = r.spec.objectTypeNames;
      if (r.spec.tags) changes.Tags = r.spec.tags;
      integrations.push({ method: 'PUT', path: '/_emulator/integrations', body: { domainName: name, uri: r.spec.uri, region, changes } });
    }
  }
  return [...domains.values(), ...integrations];
}

export function readResources(dir: string): Resource[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Resource));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dir = 'examples', region] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(seedRequests(readResources(dir), region))}\n`);
}
