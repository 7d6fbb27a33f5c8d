// The resources of manifest files (every kind of the group), for `cpi plan`. Reading and
// validation are `cpi validate`'s own (validatePaths), so plan reads exactly what validate reads
// and refuses exactly what validate refuses, with the same lines.
import type { CustomerProfilesResource } from '../api/types.ts';
import { validatePaths, type FileProblem } from './validate-paths.ts';

export interface ManifestResource {
  file: string;
  /** Index of the YAML document in the file, from 0. */
  doc: number;
  object: CustomerProfilesResource;
}

export interface ManifestRead {
  resources: ManifestResource[];
  /** What `cpi validate` reports for these paths; resources is empty when there are any. */
  problems: FileProblem[];
}

export async function readResources(paths: string[]): Promise<ManifestRead> {
  const report = await validatePaths(paths);
  if (report.problems.length) return { resources: [], problems: report.problems };
  return { resources: report.objects.map((o) => ({ ...o, object: o.object as CustomerProfilesResource })), problems: [] };
}
