// Copies the generated CRDs from crds/ into deploy/base/ and the Helm chart's crds/, because
// kustomize and helm read nothing outside their folders. Run after regenerating the CRDs:
//   npm run sync:deploy-crd            write the copies in deploy/base/ and charts/customer-profiles-operator/crds/
//   npm run sync:deploy-crd -- --check exit 1 when any differs from crds/
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_KIND_NAMES, PLURAL, type ResourceKind } from '../src/api/group.ts';

const repoPath = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Where one kind's CRD is generated and where it is copied. */
export interface CrdFiles {
  kind: ResourceKind;
  plural: string;
  /** crds/<plural>.yaml, written by npm run gen:crd. */
  source: string;
  /** The kustomize copy in deploy/base/ (the integration's keeps its first name, crd.yaml). */
  deploy: string;
  /** The Helm chart's copy. */
  chart: string;
}

export const CRD_FILES: readonly CrdFiles[] = ALL_KIND_NAMES.map(({ kind, plural }) => ({
  kind,
  plural,
  source: repoPath(`crds/${plural}.yaml`),
  deploy: repoPath(plural === PLURAL ? 'deploy/base/crd.yaml' : `deploy/base/crd-${plural}.yaml`),
  chart: repoPath(`charts/customer-profiles-operator/crds/${plural}.yaml`),
}));

const integration = CRD_FILES.find((f) => f.plural === PLURAL)!;
export const SOURCE_CRD_PATH = integration.source;
export const DEPLOY_CRD_PATH = integration.deploy;
export const CHART_CRD_PATH = integration.chart;

/** A deploy/ or chart copy of a crds/ file: the same bytes under a do-not-edit header. */
export function renderDeployCrd(sourceCrd: string, plural: string = PLURAL): string {
  return (
    `# GENERATED: a copy of crds/${plural}.yaml made by \`npm run sync:deploy-crd\`.\n` +
    '# Edit the schema in src/api/, regenerate the CRD, then run that script; never edit this file.\n' +
    sourceCrd
  );
}

function main(argv: string[]): number {
  const stale: string[] = [];
  for (const f of CRD_FILES) {
    let source: string;
    try {
      source = readFileSync(f.source, 'utf8');
    } catch {
      process.stderr.write(`${f.source} is missing: generate the CRDs first (npm run gen:crd)\n`);
      return 1;
    }
    const expected = renderDeployCrd(source, f.plural);
    for (const path of [f.deploy, f.chart]) {
      if (argv.includes('--check')) {
        let current: string | undefined;
        try {
          current = readFileSync(path, 'utf8');
        } catch {}
        if (current !== expected) stale.push(path);
      } else {
        writeFileSync(path, expected);
        process.stdout.write(`wrote ${path}\n`);
      }
    }
  }
  if (stale.length === 0) return 0;
  process.stderr.write(`${stale.join(', ')} differ from crds/: run npm run sync:deploy-crd\n`);
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
