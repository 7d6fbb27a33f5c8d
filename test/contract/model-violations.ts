// Validation cases derived from the model: walk a request shape of the generated model and, for
// every constraint (required, length, pattern, enum, range, list/map size, map keys and values),
// make one request from a valid baseline that breaks only that constraint.
import { shapes } from '../../src/emulator/model.generated.ts';

export type Path = (string | number | { mapKey: string } | { mapValue: string })[];

export interface Violation {
  name: string;
  path: Path;
  /** `undefined` removes the member. */
  value: unknown;
  kind: 'required' | 'min' | 'max' | 'pattern' | 'enum';
}

const get = (root: any, path: Path): any =>
  path.reduce((v, p) => (typeof p === 'object' ? ('mapKey' in p ? p.mapKey : v[p.mapValue]) : v?.[p]), root);

function firstKey(root: any, path: Path): string {
  return Object.keys(get(root, path))[0]!;
}

/** Strings within [min, max] that a pattern might reject. */
function patternCandidates(min: number, max: number): string[] {
  const n = Math.max(min, 1);
  return [' ', '!', ' '.repeat(n), '!'.repeat(n), ''].filter((s) => s.length >= min && s.length <= max);
}

/** Walks a shape and lists one violation per constraint; `unviolatable` collects patterns every string satisfies. */
function walk(baseline: object, shapeName: string, path: Path, out: Violation[], unviolatable: string[]): void {
  const s = shapes[shapeName]!;
  const label = path.map((p) => (typeof p === 'object' ? ('mapKey' in p ? '<key>' : '<value>') : String(p))).join('.');
  switch (s.type) {
    case 'structure':
      for (const req of s.required ?? []) out.push({ name: `${label ? `${label}.` : ''}${req} required`, path: [...path, req], value: undefined, kind: 'required' });
      for (const [m, spec] of Object.entries(s.members)) walk(baseline, spec.shape, [...path, m], out, unviolatable);
      return;
    case 'string': {
      const max = s.max ?? 10_000;
      const min = s.min ?? 0;
      if (s.min !== undefined && s.min > 0) out.push({ name: `${label} shorter than ${s.min}`, path, value: 'x'.repeat(s.min - 1), kind: 'min' });
      if (s.max !== undefined) out.push({ name: `${label} longer than ${s.max}`, path, value: 'x'.repeat(s.max + 1), kind: 'max' });
      if (s.pattern !== undefined) {
        const re = new RegExp(s.pattern);
        if (re.test('')) unviolatable.push(`${label}: ${s.pattern}`);
        else {
          const bad = patternCandidates(min, max).find((c) => !re.test(c));
          if (bad === undefined) throw new Error(`no candidate breaks ${s.pattern} for ${label}`);
          out.push({ name: `${label} not matching ${s.pattern}`, path, value: bad, kind: 'pattern' });
        }
      }
      if (s.enum !== undefined) out.push({ name: `${label} not in enum`, path, value: 'NOT_IN_THE_ENUM', kind: 'enum' });
      return;
    }
    case 'integer':
    case 'long':
    case 'double':
      if (s.min !== undefined) out.push({ name: `${label} below ${s.min}`, path, value: s.min - 1, kind: 'min' });
      if (s.max !== undefined) out.push({ name: `${label} above ${s.max}`, path, value: s.max + 1, kind: 'max' });
      return;
    case 'list': {
      const item = get(baseline, [...path, 0]);
      if (s.min !== undefined && s.min > 0) out.push({ name: `${label} with fewer than ${s.min} items`, path, value: [], kind: 'min' });
      if (s.max !== undefined) out.push({ name: `${label} with more than ${s.max} items`, path, value: Array(s.max + 1).fill(item), kind: 'max' });
      walk(baseline, s.member, [...path, 0], out, unviolatable);
      return;
    }
    case 'map': {
      const key = firstKey(baseline, path);
      if (s.min !== undefined && s.min > 0) out.push({ name: `${label} with fewer than ${s.min} entries`, path, value: {}, kind: 'min' });
      if (s.max !== undefined) {
        const big = Object.fromEntries(Array.from({ length: s.max + 1 }, (_, i) => [`k${i}`, get(baseline, [...path, key])]));
        out.push({ name: `${label} with more than ${s.max} entries`, path, value: big, kind: 'max' });
      }
      walk(baseline, s.key, [...path, { mapKey: key }], out, unviolatable);
      walk(baseline, s.value, [...path, { mapValue: key }], out, unviolatable);
      return;
    }
    default:
      return;
  }
}

/** Applies a violation to a copy of the baseline. */
export function violate(baseline: object, v: Violation): any {
  const copy = structuredClone(baseline) as any;
  const last = v.path.at(-1)!;
  const parent = get(copy, v.path.slice(0, -1));
  if (typeof last === 'object' && 'mapKey' in last) {
    const value = parent[last.mapKey];
    delete parent[last.mapKey];
    parent[v.value as string] = value;
  } else if (typeof last === 'object') parent[last.mapValue] = v.value;
  else if (v.value === undefined) delete parent[last];
  else parent[last] = v.value;
  return copy;
}

/** The member path as the emulator's message spells it (`Tasks.1.member.TaskType`, `Tags.k.key`). */
export function messagePath(v: Violation): string {
  const parts: string[] = [];
  for (const p of v.path) {
    if (typeof p === 'number') parts.push(`${p + 1}.member`);
    else if (typeof p === 'object') parts.push('mapKey' in p ? `${v.value}.key` : `${p.mapValue}.value`);
    else parts.push(p);
  }
  return parts.join('.');
}


/**
 * Every constraint of `shapeName` that a request can break on the wire: a missing path label
 * cannot be sent (the SDK refuses to build the path), so those are left out. `unviolatable` lists
 * the patterns every string satisfies.
 */
export function modelViolations(shapeName: string, baseline: object): { found: Violation[]; unviolatable: string[] } {
  const found: Violation[] = [];
  const unviolatable: string[] = [];
  walk(baseline, shapeName, [], found, unviolatable);
  const top = shapes[shapeName]!;
  const label = (m: string | number | object) => top.type === 'structure' && typeof m === 'string' && top.members[m]?.location === 'uri';
  return { found: found.filter((v) => !(v.path.length === 1 && v.kind === 'required' && label(v.path[0]!))), unviolatable };
}

/** The members of `shapeName` the baseline leaves unset (a baseline must set every one to reach every constraint). */
export function unsetMembers(shapeName: string, baseline: object): string[] {
  const missing: string[] = [];
  const visit = (name: string, value: any, at: string) => {
    const s = shapes[name]!;
    if (s.type === 'structure') {
      for (const [m, spec] of Object.entries(s.members)) {
        if (value?.[m] === undefined) missing.push(`${at}${m}`);
        else visit(spec.shape, value[m], `${at}${m}.`);
      }
    } else if (s.type === 'list') visit(s.member, value[0], at);
    else if (s.type === 'map') visit(s.value, Object.values(value)[0], at);
  };
  visit(shapeName, baseline, '');
  return missing;
}
