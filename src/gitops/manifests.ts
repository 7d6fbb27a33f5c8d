// The CustomerProfilesIntegration resources of manifest files, for `cpi plan`. Validation is
// `cpi validate`'s own (validatePaths), so plan refuses exactly what validate refuses, with the
// same lines. Reading follows the same rules: files and directories (recursively *.yaml, *.yml,
// *.json, skipping node_modules and dot directories), multi-document YAML 1.1, List objects.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments, type Tags } from 'yaml';
import { isOurDocument } from '../api/validate.ts';
import type { CustomerProfilesIntegration } from '../api/types.ts';
import { validatePaths, type FileProblem } from '../cli/commands/validate.ts';

export interface ManifestResource {
  file: string;
  /** Index of the YAML document in the file, from 0. */
  doc: number;
  object: CustomerProfilesIntegration;
}

export interface ManifestRead {
  resources: ManifestResource[];
  /** What `cpi validate` reports for these paths; resources is empty when there are any. */
  problems: FileProblem[];
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function filesOf(path: string, explicit: boolean, out: string[]): Promise<void> {
  if ((await stat(path)).isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.isDirectory() && (e.name === 'node_modules' || e.name.startsWith('.'))) continue;
      if (e.isDirectory() || EXTENSIONS.has(extname(e.name).toLowerCase())) await filesOf(join(path, e.name), false, out);
    }
  } else if (explicit || EXTENSIONS.has(extname(path).toLowerCase())) out.push(path);
}

// As kubectl reads them: YAML 1.1 booleans, unquoted timestamps kept as strings.
const parseOptions = {
  version: '1.1' as const,
  customTags: (tags: Tags): Tags => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
};

export async function readResources(paths: string[]): Promise<ManifestRead> {
  const report = await validatePaths(paths);
  if (report.problems.length) return { resources: [], problems: report.problems };
  const files: string[] = [];
  for (const p of paths) await filesOf(p, true, files);
  const resources: ManifestResource[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(await readFile(file, 'utf8'), parseOptions);
    if (!Array.isArray(docs)) continue;
    docs.forEach((d, doc) => {
      const value = d.toJS({ maxAliasCount: 1000 }) as { kind?: unknown; items?: unknown } | null;
      const isList = value !== null && typeof value === 'object' && Array.isArray(value.items) && /List$/.test(String(value.kind));
      const candidates = isList ? (value.items as unknown[]) : [value];
      for (const c of candidates) if (isOurDocument(c)) resources.push({ file, doc, object: c as CustomerProfilesIntegration });
    });
  }
  return { resources, problems: [] };
}
