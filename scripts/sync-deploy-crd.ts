// Copies the generated CRD from crds/ into deploy/base/ and the Helm chart's crds/, because kustomize
// and helm read nothing outside their folders. Run after regenerating the CRD:
//   npm run sync:deploy-crd            write deploy/base/crd.yaml and charts/customer-profiles-operator/crds/
//   npm run sync:deploy-crd -- --check exit 1 when either differs from crds/
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PLURAL } from '../src/api/group.ts';

export const SOURCE_CRD_PATH = fileURLToPath(new URL(`../crds/${PLURAL}.yaml`, import.meta.url));
export const DEPLOY_CRD_PATH = fileURLToPath(new URL('../deploy/base/crd.yaml', import.meta.url));
export const CHART_CRD_PATH = fileURLToPath(new URL(`../charts/customer-profiles-operator/crds/${PLURAL}.yaml`, import.meta.url));
const COPIES = [DEPLOY_CRD_PATH, CHART_CRD_PATH];

const HEADER =
  '# GENERATED: a copy of crds/customerprofilesintegrations.yaml made by `npm run sync:deploy-crd`.\n' +
  '# Edit the schema in src/api/, regenerate the CRD, then run that script; never edit this file.\n';

/** deploy/base/crd.yaml for a given crds/ file: the same bytes under a do-not-edit header. */
export function renderDeployCrd(sourceCrd: string): string {
  return HEADER + sourceCrd;
}

function main(argv: string[]): number {
  let source: string;
  try {
    source = readFileSync(SOURCE_CRD_PATH, 'utf8');
  } catch {
    process.stderr.write(`${SOURCE_CRD_PATH} is missing: generate the CRD first (cpi crd / npm run gen:crd)\n`);
    return 1;
  }
  const expected = renderDeployCrd(source);
  if (argv.includes('--check')) {
    const stale = COPIES.filter((path) => {
      try {
        return readFileSync(path, 'utf8') !== expected;
      } catch {
        return true;
      }
    });
    if (stale.length === 0) return 0;
    process.stderr.write(`${stale.join(', ')} differ from crds/: run npm run sync:deploy-crd\n`);
    return 1;
  }
  for (const path of COPIES) {
    writeFileSync(path, expected);
    process.stdout.write(`wrote ${path}\n`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
