// `cpi validate` never throws on arbitrary input (issue 8): random text, random YAML values, and
// valid manifests mangled at random, written to temporary files and validated in-process through
// the command's own run(). It must answer 0 or 1 and print no stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/commands/validate.ts';
import { manifest, spec } from './arbitraries.ts';

const dir = mkdtempSync(join(tmpdir(), 'cpi-validate-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid manifest's YAML with some characters replaced, deleted or duplicated. */
const mangled = fc.tuple(spec, fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'delete', 'dup'), fc.constantFrom(...': -\n\t{}[]"\'#&*!|>%@`,?'.split(''))), { minLength: 1, maxLength: 8 }))
  .map(([s, edits]) => {
    let text = stringify(manifest(s), { version: '1.1' });
    for (const [at, op, ch] of edits) {
      const i = at % Math.max(1, text.length);
      text = op === 'replace' ? text.slice(0, i) + ch + text.slice(i + 1) : op === 'delete' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + text.slice(i, i + 5).repeat(2) + text.slice(i + 5);
    }
    return text;
  });

/** Our kind with an arbitrary spec (any JSON value), so validation, not parsing, is what is fuzzed. */
const oursWithJunk = fc.anything({ maxDepth: 3 }).map((junk) => stringify({ apiVersion: 'customerprofiles.gitops.dev/v1alpha1', kind: 'CustomerProfilesIntegration', metadata: { name: 'x' }, spec: junk }));

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.anything().map((v) => { try { return stringify(v) ?? ''; } catch { return String(v); } }),
  oursWithJunk,
  mangled,
  fc.array(mangled, { minLength: 1, maxLength: 3 }).map((docs) => docs.join('\n---\n')),
);

let n = 0;
describe('cpi validate on arbitrary files', () => {
  it('answers 0 or 1 without throwing and without a stack trace', async () => {
    await fc.assert(fc.asyncProperty(text, fc.constantFrom('yaml', 'yml', 'json'), async (content, ext) => {
      const file = join(dir, `f${n++}.${ext}`);
      writeFileSync(file, content);
      const lines: string[] = [];
      const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
      const code = await run([file], io);
      expect([0, 1]).toContain(code);
      const output = lines.join('\n');
      expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(output).not.toMatch(/TypeError|RangeError|ReferenceError|SyntaxError: Unexpected|Cannot read properties/);
    }), { numRuns: 400 });
  }, 120_000);

  it('finds no problem in the valid manifests it is given (so 1 above means a real problem)', async () => {
    await fc.assert(fc.asyncProperty(spec, async (s) => {
      const file = join(dir, `ok${n++}.yaml`);
      // YAML 1.1, as kubectl reads it: strings such as `on` or `y` get quoted.
      writeFileSync(file, stringify(manifest(s), { version: '1.1' }));
      const lines: string[] = [];
      const code = await run([file, '--quiet'], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
      // A warning (a Uri in another region than spec.region) is not a problem: exit 0 all the same.
      expect(lines.filter((l) => !/^\S+:\d+:\d+: warning: spec\.uri: /.test(l))).toEqual([]);
      expect(code).toBe(0);
    }), { numRuns: 100 });
  }, 60_000);
});
