// Writes crds/customerprofilesintegrations.yaml from src/api/schema.ts (npm run gen:crd), and its
// copy for kustomize, deploy/base/crd.yaml (the rendering is scripts/sync-deploy-crd.ts's).
// test/unit/api/crd.test.ts fails when the committed crds/ file differs from this output.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdYaml } from '../src/api/crd.ts';
import { DEPLOY_CRD_PATH, renderDeployCrd } from './sync-deploy-crd.ts';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'crds', 'customerprofilesintegrations.yaml');
const yaml = crdYaml();
writeFileSync(out, yaml);
writeFileSync(DEPLOY_CRD_PATH, renderDeployCrd(yaml));
console.log(`wrote ${out} and ${DEPLOY_CRD_PATH}`);
