// The CustomerProfilesIntegration resources of manifest files, for `cpi plan`. Reading and
// validation are `cpi validate`'s own (validatePaths), so plan reads exactly what validate reads
// and refuses exactly what validate refuses, with the same lines.
import { KIND } from '../api/group.ts';
import type { CustomerProfilesIntegration } from '../api/types.ts';
import { validatePaths, type FileProblem } from './validate-paths.ts';

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

export async function readResources(paths: string[]): Promise<ManifestRead> {
  const report = await validatePaths(paths);
  if (report.problems.length) return { resources: [], problems: report.problems };
  // validatePaths reads every kind of the group; plan knows integrations only (for now).
  const integrations = report.objects.filter((o) => (o.object as { kind?: unknown }).kind === KIND);
  return { resources: integrations.map((o) => ({ ...o, object: o.object as CustomerProfilesIntegration })), problems: [] };
}
