// `cpi validate PATH...`: offline validation of CustomerProfilesDomain, CustomerProfilesObjectType
// and CustomerProfilesIntegration manifests, in any mix, for CI before merge. Files and directories (recursively *.yaml, *.yml, *.json), multi-document YAML,
// List objects; documents of other kinds are skipped. One line per problem, as compilers write them:
//   file:line:column: spec.flowDefinition.tasks[2].connectorOperator: <what is wrong and what is allowed>
// with ` (document 2 of 3)` added when a file holds several documents. Warnings (a Uri in another
// region) are printed too but do not fail. Exit 0 when every resource is valid, 1 otherwise.
import { ALL_KIND_NAMES } from '../../api/group.ts';
import { formatProblem, validatePaths, type ValidationReport } from '../../gitops/validate-paths.ts';
import { parseFlags } from '../flags.ts';
import { CliError, inProgForm, progOf, type CommandIO } from '../io.ts';

const HELP = `Usage: cpi validate [--format text|github|json] PATH...
       kustomize build overlays/prod | cpi validate -

Checks CustomerProfilesDomain, CustomerProfilesObjectType and CustomerProfilesIntegration
manifests offline, each by its kind, as the API server would at 'kubectl apply': the schema
(types, enums, lengths, patterns, unknown fields) and the cross-field rules (immutable names,
uri or flowDefinition, connector keys, schedules, tag keys, field and key names).

PATH is a file, a directory (searched recursively for *.yaml, *.yml and *.json), or -
for standard input. Documents of other kinds are skipped. Exit status: 0 all valid,
1 problems found.

Flags:
  --format text    file:line:column: field: message (default), and (document N of M)
                   when a file holds several YAML documents
  --format github  GitHub Actions annotations (::error file=...,line=...,col=...::...)
  --format json    a JSON array of {file, doc, line, column, path, message, severity};
                   doc counts from 0, severity is error or warning

Warnings (exit status unchanged): spec.uri is an ARN in another region than spec.region.
  -q, --quiet      no summary line on stderr`;

const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { format: { type: 'string', default: 'text' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    io.out(inProgForm(HELP, io));
    return 0;
  }
  const cpi = `${progOf(io)} validate`;
  const format = values.format as string;
  if (!['text', 'github', 'json'].includes(format)) throw new CliError(`--format: "${format}" is not a format; use text, github or json`);
  if (positionals.length === 0) throw new CliError(`give at least one file or directory, e.g. ${cpi} manifests/ (see --help)`);

  const report = await validatePaths(positionals);
  // Problems and warnings in file order, as a reader goes through the files.
  const all = [...report.problems, ...report.warnings].sort((a, b) => (a.file === b.file ? (a.doc ?? -1) - (b.doc ?? -1) || (a.line ?? 0) - (b.line ?? 0) : 0));
  if (format === 'json') {
    io.out(JSON.stringify(all.map(({ documents: _documents, ...p }) => ({ ...p, severity: p.severity ?? 'error' })), null, 2));
  } else {
    for (const p of all) {
      if (format === 'github') {
        const props = [`file=${ghProp(p.file)}`, ...(p.line ? [`line=${p.line}`] : []), ...(p.column ? [`col=${p.column}`] : []), `title=${ghProp('cpi validate')}`].join(',');
        io.out(`::${p.severity === 'warning' ? 'warning' : 'error'} ${props}::${ghData(p.path ? `${p.path}: ${p.message}` : p.message)}`);
      } else {
        io.out(formatProblem(p));
      }
    }
  }
  if (!values.quiet) {
    const summary =
      report.files === 0 && report.problems.length === 0
        ? 'no YAML or JSON files found'
        : `${resourceCount(report)} in ${report.files} file${report.files === 1 ? '' : 's'}: ${
            report.problems.length ? `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}` : 'all valid'
          }${report.warnings.length ? `, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}` : ''}`;
    io.err(`${cpi}: ${summary}`);
  }
  return report.problems.length ? 1 : 0;
}

/**
 * "2 CustomerProfilesIntegration resources" when all are of one kind, else
 * "4 resources (1 CustomerProfilesDomain, 3 CustomerProfilesIntegration)", kinds in dependency order.
 */
function resourceCount(report: ValidationReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const byKind = new Map<string, number>();
  for (const { object } of report.objects) {
    const kind = String((object as { kind?: unknown }).kind);
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const order = ALL_KIND_NAMES.map((n) => n.kind as string);
  const kinds = [...byKind.keys()].sort((a, b) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1));
  if (kinds.length === 0) return plural(report.resources, `${order.at(-1)} resource`);
  if (kinds.length === 1 && order.includes(kinds[0]!)) return plural(report.resources, `${kinds[0]} resource`);
  return `${plural(report.resources, 'resource')} (${kinds.map((k) => `${byKind.get(k)} ${order.includes(k) ? k : `of kind ${k}`}`).join(', ')})`;
}
