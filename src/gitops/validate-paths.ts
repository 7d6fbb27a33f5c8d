// Reading manifests as `cpi validate` does: files, directories (recursively), multi-document YAML
// 1.1 and stdin; every CustomerProfilesIntegration validated offline with the CRD's rules, each
// problem placed at file:line:column. `cpi validate` prints the report; `cpi plan` plans what it read.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type Document, LineCounter, parseAllDocuments, type Tags } from 'yaml';
import { uriRegionWarning } from '../api/uri-region.ts';
import { isOurDocument, validateResource } from '../api/validate.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export interface FileProblem {
  file: string;
  /** Index of the YAML document in the file, from 0; undefined when the file itself failed. */
  doc?: number;
  /** 1-based line of the field (or of the closest enclosing one), when known. */
  line?: number;
  /** 1-based column on that line, when known. */
  column?: number;
  /** How many YAML documents the file holds (the text output names the document when several). */
  documents?: number;
  path: string;
  message: string;
  /** Warnings are printed but do not fail validation. Default: error. */
  severity?: 'error' | 'warning';
}

export interface ValidationReport {
  files: number;
  resources: number;
  problems: FileProblem[];
  /** Worth a look, not wrong: printed, never a failure. */
  warnings: FileProblem[];
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

function positionOf(doc: Document, lines: LineCounter, prefix: Array<string | number>, path: string): { line?: number; column?: number } {
  const segs = [...prefix, ...pathSegments(path)];
  // The field itself, or the closest parent that exists (a missing field's parent).
  for (let n = segs.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      const pos = lines.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

// A key indented more than its siblings: the parser blames the line before it.
const INDENTATION_ERRORS = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

/**
 * One line per YAML syntax error. The parser often reports one mistake several times at the same
 * place (a mis-indented key is both a "nested mapping" and a "multiline implicit key"): those
 * become one problem, and its message loses the parser's trailing "at line L, column C:".
 */
function yamlProblems(file: string, doc: number, documents: number, errors: Document['errors']): FileProblem[] {
  const byStart = new Map<string, { e: (typeof errors)[number]; endLine: number }>();
  for (const e of errors) {
    const start = e.linePos?.[0];
    const key = start ? `${start.line}:${start.col}` : e.message;
    const endLine = e.linePos?.[1]?.line ?? start?.line ?? 0;
    const seen = byStart.get(key);
    if (seen) seen.endLine = Math.max(seen.endLine, endLine);
    else byStart.set(key, { e, endLine });
  }
  return [...byStart.values()].map(({ e, endLine }) => {
    const start = e.linePos?.[0];
    let message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
    if (INDENTATION_ERRORS.has(e.code) && start && endLine > start.line) message += ` (check the indentation of line ${endLine})`;
    const problem: FileProblem = { file, doc, documents, path: '', message: `malformed YAML: ${message}` };
    if (start) Object.assign(problem, { line: start.line, column: start.col });
    return problem;
  });
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
  const warnings: FileProblem[] = [];
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
    const documents = docs.length;
    docs.forEach((doc, index) => {
      if (doc.errors.length) {
        problems.push(...yamlProblems(file, index, documents, doc.errors));
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 1000 });
      } catch (err) {
        problems.push({ file, doc: index, documents, path: '', message: `malformed YAML: ${(err as Error).message.split('\n')[0]}` });
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
        const within = (path: string) => (where ? (path ? `${where}.${path}` : where) : path);
        const found = validateResource(c.value);
        for (const p of found) {
          problems.push({ file, doc: index, documents, ...positionOf(doc, lines, c.prefix, p.path), path: within(p.path), message: p.message });
        }
        // Only a resource that is otherwise valid gets warnings: an error already needs a look.
        const spec = (c.value as { spec?: { uri?: string; region?: string } }).spec;
        const warning = found.length === 0 && spec ? uriRegionWarning(spec) : undefined;
        if (warning) {
          warnings.push({ file, doc: index, documents, ...positionOf(doc, lines, c.prefix, warning.path), path: within(warning.path), message: warning.message, severity: 'warning' });
        }
      }
    });
  }
  return { files: files.length, resources, problems, warnings, objects };
}

/** `file:line:column: [warning: ]field: message[ (document N of M)]`, as editors and CI logs link it. */
export function formatProblem(p: FileProblem): string {
  const where = p.line ? `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}` : p.file;
  const body = `${p.severity === 'warning' ? 'warning: ' : ''}${p.path ? `${p.path}: ` : ''}${p.message}`;
  const doc = p.doc !== undefined && (p.documents ?? 1) > 1 ? ` (document ${p.doc + 1} of ${p.documents})` : '';
  return `${where}: ${body}${doc}`;
}

// GitHub workflow commands: properties and data need their own escaping.
