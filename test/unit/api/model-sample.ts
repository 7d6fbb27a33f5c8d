// The documented request (or answer) syntax of an AWS call, built from the model's shapes: every
// member of every structure, one item per list, one entry per map. The conversion tests round-trip
// it; `leaves` and `scalarMembers` prove nothing was dropped on the way.
import type { ModelShape } from './model-compare.ts';

export function sampleOf(shapes: Record<string, ModelShape>) {
  const sample = (shapeName: string, memberName: string = shapeName): unknown => {
    const s = shapes[shapeName]!;
    switch (s.type) {
      case 'structure':
        return Object.fromEntries(Object.entries(s.members!).map(([m, ref]) => [m, sample(ref.shape, m)]));
      case 'string':
        return s.enum ? s.enum[s.enum.length - 1] : `${memberName}-1`;
      case 'timestamp':
        return new Date(Date.UTC(2026, 11, 1, 12, 30, memberName.length % 60));
      case 'long':
      case 'integer':
        return 300;
      case 'double':
        return 0.75;
      case 'boolean':
        return true;
      case 'list':
        return [sample(s.member!.shape, memberName)];
      case 'map': {
        const key = shapes[s.key!.shape]!.enum ? shapes[s.key!.shape]!.enum![2] : `${memberName}:key/1`;
        return { [key!]: sample(s.value!.shape, memberName) };
      }
      default:
        throw new Error(`no sample for ${s.type}`);
    }
  };
  /** How many scalar members a shape has (lists and maps counted once: the sample holds one item). */
  const scalarMembers = (name: string): number => {
    const sh = shapes[name]!;
    if (sh.type === 'structure') return Object.values(sh.members!).reduce((n, m) => n + scalarMembers(m.shape), 0);
    if (sh.type === 'list') return scalarMembers(sh.member!.shape);
    if (sh.type === 'map') return scalarMembers(sh.value!.shape);
    return 1;
  };
  return { sample, scalarMembers };
}

/** Paths of the scalar values of a value (Dates are scalars). */
export function leaves(v: unknown, path = ''): string[] {
  if (v instanceof Date || typeof v !== 'object' || v === null) return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, `${path}[${i}]`));
  return Object.entries(v).flatMap(([k, x]) => leaves(x, `${path}.${k}`));
}
