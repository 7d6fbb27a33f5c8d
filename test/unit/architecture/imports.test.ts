// The layers import one way (cli -> controller -> reconcile -> aws/kube -> api/runtime), and no
// module of src/ reaches itself through its static imports (type imports included).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Each module's static imports of other modules of src/, as paths relative to src/. */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
    g.set(relative(SRC, file), specs.map((s) => relative(SRC, resolve(dirname(file), s))));
  }
  return g;
}

const layer = (path: string) => path.split('/')[0]!;

describe('src/ imports', () => {
  const g = graph();

  it('never reach up into the CLI from outside it', () => {
    const up = [...g].flatMap(([from, tos]) => tos.filter((to) => layer(to) === 'cli' && layer(from) !== 'cli').map((to) => `${from} -> ${to}`));
    expect(up).toEqual([]);
  });

  it('keep runtime/ and api/ free of the layers above them', () => {
    const above = new Set(['cli', 'controller', 'reconcile', 'aws', 'kube', 'gitops', 'dev', 'emulator']);
    const bad = [...g].flatMap(([from, tos]) =>
      tos.filter((to) => (layer(from) === 'runtime' && (above.has(layer(to)) || layer(to) === 'api')) || (layer(from) === 'api' && above.has(layer(to)))).map((to) => `${from} -> ${to}`),
    );
    expect(bad).toEqual([]);
  });

  it('have no cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, 'visiting');
      stack.push(n);
      for (const m of g.get(n) ?? []) {
        if (state.get(m) === 'visiting') cycles.push([...stack.slice(stack.indexOf(m)), m].join(' -> '));
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, 'done');
    };
    for (const n of g.keys()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });
});
