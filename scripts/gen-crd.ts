// Writes crds/customerprofilesintegrations.yaml from src/api/schema.ts (npm run gen:crd).
// test/unit/api/crd.test.ts fails when the committed file differs from this output.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdYaml } from '../src/api/crd.ts';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'crds', 'customerprofilesintegrations.yaml');
writeFileSync(out, crdYaml());
console.log(`wrote ${out}`);
