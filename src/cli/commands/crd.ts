// `cpi crd`: prints the CustomResourceDefinitions of every kind as one multi-document YAML stream
// (domain, object type, integration), e.g. `cpi crd | kubectl apply --server-side -f -`.
import { allCrdsYaml } from '../../api/crd.ts';
import { ALL_KIND_NAMES } from '../../api/group.ts';
import { parseFlags } from '../flags.ts';
import type { CommandIO } from '../io.ts';

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.out(
      `Usage: cpi crd\n\nPrints the CustomResourceDefinitions of ${ALL_KIND_NAMES.map((n) => n.kind).join(', ')}\nas one multi-document YAML stream.\nInstall them with: cpi crd | kubectl apply --server-side -f -`,
    );
    return 0;
  }
  io.out(allCrdsYaml());
  return 0;
}
