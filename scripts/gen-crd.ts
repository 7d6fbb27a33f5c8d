// Writes crds/<plural>.yaml for every kind from its schema in src/api/ (npm run gen:crd), and the
// copies kustomize and helm read, in deploy/base/ and the chart's crds/ (the rendering is
// scripts/sync-deploy-crd.ts's). test/unit/api/crd.test.ts fails when a committed file differs.
import { writeFileSync } from 'node:fs';
import { crdYaml } from '../src/api/crd.ts';
import { CRD_FILES, renderDeployCrd } from './sync-deploy-crd.ts';

for (const f of CRD_FILES) {
  const yaml = crdYaml(f.kind);
  writeFileSync(f.source, yaml);
  writeFileSync(f.deploy, renderDeployCrd(yaml, f.plural));
  writeFileSync(f.chart, renderDeployCrd(yaml, f.plural));
  console.log(`wrote ${f.source}, ${f.deploy} and ${f.chart}`);
}
