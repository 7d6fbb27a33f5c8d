// `cpi crd`: prints the CustomResourceDefinition, e.g. `cpi crd | kubectl apply -f -`.
import { crdYaml } from '../../api/crd.ts';
import { parseFlags } from '../flags.ts';
import type { CommandIO } from '../io.ts';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out('Usage: cpi crd\n\nPrints the CustomerProfilesIntegration CustomResourceDefinition as YAML.\nInstall it with: cpi crd | kubectl apply --server-side -f -');
    return 0;
  }
  io.out(crdYaml());
  return 0;
}
