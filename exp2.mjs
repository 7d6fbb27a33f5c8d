import { build } from 'rolldown';
import { writeFileSync } from 'node:fs';
const f = process.argv[2];
const out = await build({ input: `/work/wt/mem/src/${f}.ts`, platform: 'node', logLevel: 'silent', treeshake: { moduleSideEffects: (id) => !id.includes('/@kubernetes/client-node/') }, write: false, output: { format: 'esm', codeSplitting: false } });
writeFileSync(`/tmp/memproto/${f}.mjs`, out.output[0].code);
