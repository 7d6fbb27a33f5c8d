// The CEL rules of the CRD, run by a real CEL engine (@bufbuild/cel) against every fixture, must
// agree with their TypeScript twins in rules.ts: same verdict, same message. This is what keeps
// `cpi validate` and `kubectl apply` saying the same thing. The Kubernetes-only list function
// indexOf is supplied here as the Kubernetes CEL library defines it (for rules that may use it).
import { celEnv, celMethod, CelScalar, isCelError, listType, parse, plan } from '@bufbuild/cel';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { RE2JS } from '@bufbuild/re2';
import { describe, expect, it } from 'vitest';
import { buildCrd } from '../../../src/api/crd.ts';
import { DOMAIN_NAMES, INTEGRATION_NAMES, OBJECT_TYPE_NAMES, type ResourceKind } from '../../../src/api/group.ts';
import { KINDS } from '../../../src/api/kinds.ts';
import type { Rule } from '../../../src/api/rules.ts';
import { invalidDomainCases } from '../../fixtures/invalid-domains.ts';
import { invalidObjectTypeCases } from '../../fixtures/invalid-object-types.ts';
import { invalidCases as invalidIntegrationCases, type InvalidCase } from '../../fixtures/invalid-specs.ts';
import { validDomains } from '../../fixtures/valid-domains.ts';
import { validObjectTypes } from '../../fixtures/valid-object-types.ts';
import { validResources as validIntegrations } from '../../fixtures/valid-specs.ts';

/** Each kind with its fixtures: the rules of a kind are checked against that kind's documents. */
const fixtures: Array<[ResourceKind, { valid: ReadonlyArray<{ name: string; doc: () => unknown }>; invalid: readonly InvalidCase[] }]> = [
  [INTEGRATION_NAMES.kind, { valid: validIntegrations, invalid: invalidIntegrationCases }],
  [DOMAIN_NAMES.kind, { valid: validDomains, invalid: invalidDomainCases }],
  [OBJECT_TYPE_NAMES.kind, { valid: validObjectTypes, invalid: invalidObjectTypeCases }],
];

interface Node {
  type?: string;
  format?: string;
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node | boolean;
  pattern?: string;
  'x-kubernetes-validations'?: Array<{ rule: string; messageExpression?: string }>;
}

const indexOf = celMethod('indexOf', listType(CelScalar.DYN), [CelScalar.DYN], CelScalar.INT, function (x) {
  let i = 0n;
  for (const v of this) {
    if (v === x) return i;
    i++;
  }
  return -1n;
});

/** A JSON value as the API server hands it to CEL: objects as maps, integers as int, date-times as timestamps. */
function toCel(value: unknown, node: Node | undefined): unknown {
  if (value === null || value === undefined) return value;
  // An invalid date-time fails the schema; CEL would never see it as a timestamp.
  if (node?.format === 'date-time' && typeof value === 'string') return Number.isNaN(Date.parse(value)) ? value : timestampFromDate(new Date(value));
  if (node?.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (Array.isArray(value)) return value.map((v) => toCel(v, node?.items));
  if (typeof value === 'object') {
    const child = (k: string) => (typeof node?.additionalProperties === 'object' ? node.additionalProperties : node?.properties?.[k]);
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v, child(k))]));
  }
  return value;
}

function schemaAt(root: Node, at: readonly string[]): Node {
  let node = root;
  for (const seg of at) node = (seg === '*' ? node.items : node.properties?.[seg])!;
  return node;
}

function instances(doc: unknown, at: readonly string[]): Array<{ value: unknown; segments: Array<string | number> }> {
  let found: Array<{ value: unknown; segments: Array<string | number> }> = [{ value: doc, segments: [] }];
  for (const seg of at) {
    found = found.flatMap(({ value, segments }) => {
      if (seg === '*') return Array.isArray(value) ? value.map((v, i) => ({ value: v, segments: [...segments, i] })) : [];
      const v = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[seg] : undefined;
      return v === undefined || v === null ? [] : [{ value: v, segments: [...segments, seg] }];
    });
  }
  return found;
}
const valueAt = (doc: unknown, segments: Array<string | number>) =>
  segments.reduce<unknown>((cur, s) => (cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s as string] : undefined), doc);

// Each expression is parsed and planned once: the fixtures run every rule hundreds of times.
const env = celEnv({ funcs: [indexOf] });
const programs = new Map<string, ReturnType<typeof plan>>();
function evaluate(expr: string, self: unknown, oldSelf?: unknown): unknown {
  let program = programs.get(expr);
  if (!program) programs.set(expr, (program = plan(env, parse(expr))));
  const bindings: Record<string, unknown> = { self };
  if (oldSelf !== undefined) bindings.oldSelf = oldSelf;
  const result = program(bindings as Parameters<typeof program>[0]);
  if (isCelError(result)) throw new Error(`CEL error in ${expr}: ${result.message}`);
  return result;
}

/** As the API server's typed CEL sees it: a value of the wrong type never reaches a rule. */
function evaluateTyped(expr: string, self: unknown, oldSelf?: unknown): unknown {
  try {
    return evaluate(expr, self, oldSelf);
  } catch (err) {
    if (String(err).includes('no matching overload')) return undefined;
    throw err;
  }
}

/** Runs one rule with CEL and with its twin on one document; checks that both agree. Returns whether it failed. */
function agree(root: Node, rule: Rule, doc: unknown, old: unknown): number {
  const node = schemaAt(root, rule.at);
  let failures = 0;
  for (const inst of instances(doc, rule.at)) {
    const before = rule.transition ? valueAt(old, inst.segments) : undefined;
    if (rule.transition && (before === undefined || before === null)) continue;
    let celOk: unknown;
    try {
      celOk = evaluate(rule.rule, toCel(inst.value, node), before === undefined ? undefined : toCel(before, node));
    } catch (err) {
      // A value of the wrong type (domainName: 42) fails the schema; the API server's typed CEL never sees it.
      if (String(err).includes('no matching overload') && !rule.check(inst.value, before).length) continue;
      throw err;
    }
    const findings = rule.check(inst.value, before);
    expect(typeof celOk, rule.name).toBe('boolean');
    expect(celOk, `${rule.name} at ${inst.segments.join('.')}: CEL says ${String(celOk)}, TypeScript found ${JSON.stringify(findings)}`).toBe(findings.length === 0);
    if (!celOk) {
      failures++;
      const celMessage = rule.messageExpression ? evaluate(rule.messageExpression, toCel(inst.value, node)) : rule.message;
      const first = findings[0]!;
      if (rule.serverMessage === 'contains') expect(celMessage, rule.name).toContain(first.message);
      else expect(celMessage, rule.name).toBe(first.message);
    }
  }
  return failures;
}

describe.each(fixtures)('CEL rules of %s', (kind, { valid: validResources, invalid: invalidCases }) => {
  const { rules: RULES, resourceSchema } = KINDS[kind];
  const root = resourceSchema as unknown as Node;
  const expectedFromRule = (c: InvalidCase) => expectedFromRuleOf(RULES, c);

  it('parse, and use oldSelf exactly when they are transition rules; names are unique', () => {
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(() => parse(r.rule), r.name).not.toThrow();
      if (r.messageExpression) expect(() => parse(r.messageExpression!), r.name).not.toThrow();
      expect(/\boldSelf\b/.test(r.rule), r.name).toBe(Boolean(r.transition));
      if (r.messageExpression) expect(r.messageExpression, r.name).not.toMatch(/\boldSelf\b/);
      expect(r.message.length, r.name).toBeGreaterThan(10);
    }
  });

  it('sit in the CRD at the locations rules.ts names, and nowhere in status', () => {
    const crdRoot = (buildCrd(kind) as { spec: { versions: Array<{ schema: { openAPIV3Schema: Node } }> } }).spec.versions[0]!.schema.openAPIV3Schema;
    const found: string[] = [];
    const walk = (n: Node, path: string[]) => {
      for (const v of n['x-kubernetes-validations'] ?? []) found.push(`${path.join('.')} ${v.rule}`);
      for (const [k, c] of Object.entries(n.properties ?? {})) walk(c, [...path, k]);
      if (n.items) walk(n.items, [...path, '*']);
      if (typeof n.additionalProperties === 'object') walk(n.additionalProperties, [...path, '@']);
    };
    walk(crdRoot, []);
    expect(found.sort()).toEqual(RULES.map((r) => `${r.at.join('.')} ${r.rule}`).sort());
    expect(found.some((f) => f.startsWith('status'))).toBe(false);
  });

  it('accept every valid fixture, as their twins do', () => {
    for (const { name, doc } of validResources) {
      for (const rule of RULES) expect(agree(root, rule, doc(), doc()), `${name}: ${rule.name}`).toBe(0);
    }
  });

  it('agree with their twins on every invalid fixture, and each rule case fails in CEL', () => {
    const failedRules = new Set<string>();
    for (const c of invalidCases) {
      let failed = 0;
      for (const rule of RULES) {
        const n = agree(root, rule, c.doc, c.old);
        if (n) failedRules.add(rule.name);
        failed += n;
      }
      if (expectedFromRule(c)) expect(failed, c.name).toBeGreaterThan(0);
    }
    // Every rule is exercised by at least one invalid fixture.
    expect([...failedRules].sort()).toEqual(RULES.map((r) => r.name).sort());
  });

  it('report the path and reason of each rule case the way the fixture says the API server will', () => {
    let matched = 0;
    for (const c of invalidCases) {
      for (const rule of RULES) {
        for (const inst of instances(c.doc, rule.at)) {
          const before = rule.transition ? valueAt(c.old, inst.segments) : undefined;
          if (rule.transition && (before === undefined || before === null)) continue;
          const node = schemaAt(root, rule.at);
          if (evaluateTyped(rule.rule, toCel(inst.value, node), before === undefined ? undefined : toCel(before, node)) !== false) continue;
          const serverPath = formatSegments(inst.segments) + (rule.fieldPath ?? '');
          const message = String(rule.messageExpression ? evaluate(rule.messageExpression, toCel(inst.value, node)) : rule.message);
          if (message.includes(c.serverReason ?? c.reason)) {
            expect(c.serverPath ?? c.path, c.name).toBe(serverPath);
            matched++;
          }
        }
      }
    }
    expect(matched).toBe(invalidCases.filter(expectedFromRule).length);
  });
});

describe('patterns', () => {
  it('all compile as RE2, the regex dialect of the API server', () => {
    const patterns: string[] = [];
    const walk = (n: Node) => {
      if (n.pattern) patterns.push(n.pattern);
      Object.values(n.properties ?? {}).forEach(walk);
      if (n.items) walk(n.items);
      if (typeof n.additionalProperties === 'object') walk(n.additionalProperties);
    };
    for (const { resourceSchema } of Object.values(KINDS)) walk(resourceSchema as unknown as Node);
    for (const r of Object.values(KINDS).flatMap((k) => k.rules)) for (const m of r.rule.matchAll(/matches\('([^']*)'\)/g)) patterns.push(m[1]!);
    expect(patterns.length).toBeGreaterThan(30);
    for (const p of patterns) expect(() => RE2JS.compile(p), p).not.toThrow();
    // The model's tag key pattern is not RE2: that is why it is a CEL rule here.
    expect(() => RE2JS.compile('^(?!aws:)[a-zA-Z+-=._:/]+$')).toThrow();
  });
});

/** Whether the case's expected problem is one that a rule reports (rather than the schema). */
function expectedFromRuleOf(rules: readonly Rule[], c: InvalidCase): boolean {
  return rules.some((r) =>
    instances(c.doc, r.at).some((inst) => {
      const before = r.transition ? valueAt(c.old, inst.segments) : undefined;
      if (r.transition && (before === undefined || before === null)) return false;
      return r.check(inst.value, before).some((f) => formatSegments(inst.segments) + f.path === c.path && f.message.includes(c.reason));
    }),
  );
}
function formatSegments(segs: Array<string | number>): string {
  return segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}
