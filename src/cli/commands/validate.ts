// `cpi validate PATH...`: offline validation of CustomerProfilesIntegration manifests, for CI
// before merge. Files and directories (recursively *.yaml, *.yml, *.json), multi-document YAML,
// List objects; documents of other kinds are skipped. One line per problem:
//   file:docIndex: spec.flowDefinition.tasks[2].connectorOperator: <what is wrong and what is allowed>
// Exit 0 when every resource is valid, 1 otherwise.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type Document, LineCounter, parseAllDocuments, type Tags } from 'yaml';
import { isOurDocument, validateResource } from '../../api/validate.ts';
import { parseFlags } from '../flags.ts';
import { CliError, type CommandIO } from '../io.ts';

const HELP = `Usage: cpi validate [--format text|github|json] PATH...
       kustomize build overlays/prod | cpi validate -

Checks CustomerProfilesIntegration manifests offline, as the API server would at
'kubectl apply': the schema (types, enums, lengths, patterns, unknown fields) and the
cross-field rules (uri or flowDefinition, connector keys, schedules, tag keys).

PATH is a file, a directory (searched recursively for *.yaml, *.yml and *.json), or -
for standard input. Documents of other kinds are skipped. Exit status: 0 all valid,
1 problems found.

Flags:
  --format text    file:doc: field: message (default)
  --format github  GitHub Actions annotations (::error file=...,line=...::...)
  --format json    a JSON array of {file, doc, line, path, message}
  -q, --quiet      no summary line on stderr`;

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export interface FileProblem {
  file: string;
  /** Index of the YAML document in the file, from 0; undefined when the file itself failed. */
  doc?: number;
  /** 1-based line of the field (or of the closest enclosing one), when known. */
  line?: number;
  path: string;
  message: string;
}

export interface ValidationReport {
  files: number;
  resources: number;
  problems: FileProblem[];
  /** Every CustomerProfilesIntegration read, in file and document order (`cpi plan` acts on them). */
  objects: Array<{ file: string; doc: number; object: unknown }>;
}

async function collect(path: string, out: string[], problems: FileProblem[], explicit: boolean): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    problems.push({ file: path, path: '', message: `cannot read: ${describeFsError(err)}` });
    return;
  }
  if (info.isDirectory()) {
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (err) {
      problems.push({ file: path, path: '', message: `cannot read directory: ${describeFsError(err)}` });
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && (SKIPPED_DIRS.has(e.name) || e.name.startsWith('.'))) continue;
      if (e.isDirectory() || MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) await collect(join(path, e.name), out, problems, false);
    }
  } else if (explicit || MANIFEST_EXTENSIONS.has(extname(path).toLowerCase())) {
    out.push(path);
  }
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message ?? String(err);
  }
}

// kubectl reads YAML 1.1 (yes/no/on/off are booleans) but keeps unquoted timestamps as strings.
const parseOptions = {
  version: '1.1' as const,
  customTags: (tags: Tags): Tags => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
};

/** Path string (spec.tags[a.b].x, tasks[2]) back to segments, to find the line of a field. */
function pathSegments(path: string): Array<string | number> {
  const segs: Array<string | number> = [];
  const re = /(?:^|\.)([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) segs.push(m[1]);
    else segs.push(/^\d+$/.test(m[2]!) ? Number(m[2]) : m[2]!);
  }
  return segs;
}

function lineOf(doc: Document, lines: LineCounter, prefix: Array<string | number>, path: string): number | undefined {
  const segs = [...prefix, ...pathSegments(path)];
  // The field itself, or the closest parent that exists (a missing field's parent).
  for (let n = segs.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}

export const STDIN = '-';
const STDIN_NAME = '<stdin>';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Validates files, directories and `-` (read with `stdin`, by default the process's). */
export async function validatePaths(paths: string[], stdin: () => Promise<string> = readStdin): Promise<ValidationReport> {
  const problems: FileProblem[] = [];
  const files: string[] = [];
  for (const p of paths) {
    if (p === STDIN) files.push(STDIN_NAME);
    else await collect(p, files, problems, true);
  }
  let resources = 0;
  const objects: ValidationReport['objects'] = [];
  for (const file of files) {
    let text;
    try {
      text = file === STDIN_NAME ? await stdin() : await readFile(file, 'utf8');
    } catch (err) {
      problems.push({ file, path: '', message: `cannot read: ${describeFsError(err)}` });
      continue;
    }
    const lines = new LineCounter();
    const docs = parseAllDocuments(text, { ...parseOptions, lineCounter: lines });
    if (!Array.isArray(docs)) continue; // an empty stream
    docs.forEach((doc, index) => {
      if (doc.errors.length) {
        for (const e of doc.errors) {
          problems.push({ file, doc: index, line: e.linePos?.[0]?.line, path: '', message: `malformed YAML: ${e.message.split('\n')[0]}` });
        }
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 1000 });
      } catch (err) {
        problems.push({ file, doc: index, path: '', message: `malformed YAML: ${(err as Error).message.split('\n')[0]}` });
        return;
      }
      // `kubectl get -o yaml` writes a List; check its items as the resources they are.
      const isList = value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { items?: unknown }).items) && /List$/.test(String((value as { kind?: unknown }).kind));
      const candidates: Array<{ value: unknown; prefix: Array<string | number> }> = isList
        ? ((value as { items: unknown[] }).items.map((v, i) => ({ value: v, prefix: ['items', i] })))
        : [{ value, prefix: [] }];
      for (const c of candidates) {
        if (!isOurDocument(c.value)) continue;
        resources++;
        objects.push({ file, doc: index, object: c.value });
        const where = c.prefix.length ? `items[${c.prefix[1]}]` : '';
        for (const p of validateResource(c.value)) {
          const path = where ? (p.path ? `${where}.${p.path}` : where) : p.path;
          problems.push({ file, doc: index, line: lineOf(doc, lines, c.prefix, p.path), path, message: p.message });
        }
      }
    });
  }
  return { files: files.length, resources, problems, objects };
}

export function formatProblem(p: FileProblem): string {
  const where = p.doc === undefined ? p.file : `${p.file}:${p.doc}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

// GitHub workflow commands: properties and data need their own escaping.
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { format: { type: 'string', default: 'text' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const format = values.format as string;
  if (!['text', 'github', 'json'].includes(format)) throw new CliError(`--format: "${format}" is not a format; use text, github or json`);
  if (positionals.length === 0) throw new CliError('give at least one file or directory, e.g. cpi validate manifests/ (see --help)');

  const report = await validatePaths(positionals);
  if (format === 'json') {
    io.out(JSON.stringify(report.problems, null, 2));
  } else {
    for (const p of report.problems) {
      if (format === 'github') {
        const props = [`file=${ghProp(p.file)}`, ...(p.line ? [`line=${p.line}`] : []), `title=${ghProp('cpi validate')}`].join(',');
        io.out(`::error ${props}::${ghData(p.path ? `${p.path}: ${p.message}` : p.message)}`);
      } else {
        io.out(formatProblem(p));
      }
    }
  }
  if (!values.quiet) {
    const summary =
      report.files === 0 && report.problems.length === 0
        ? 'no YAML or JSON files found'
        : `${report.resources} CustomerProfilesIntegration resource${report.resources === 1 ? '' : 's'} in ${report.files} file${report.files === 1 ? '' : 's'}: ${
            report.problems.length ? `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}` : 'all valid'
          }`;
    io.err(`cpi validate: ${summary}`);
  }
  return report.problems.length ? 1 : 0;
}
