// Offline validation of one resource of the group (CustomerProfilesDomain, CustomerProfilesObjectType
// or CustomerProfilesIntegration, chosen by its `kind`): what `kubectl apply` would reject, without
// a cluster. The kind's schema (ajv, unknown fields rejected as kubectl's strict field validation
// does) plus its CEL rules' TypeScript twins from rules.ts. Every message says what is
// wrong and what is allowed, and every path reads like the API server's
// (spec.flowDefinition.tasks[2].connectorOperator, spec.tags[aws:x]).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { pausedAnnotationProblem, pollIntervalAnnotation } from './annotations.ts';
import { ANNOTATIONS, API_VERSION, GROUP } from './group.ts';
import { ALL_KINDS, isResourceKind, KINDS, type KindApi } from './kinds.ts';
import type { Rule } from './rules.ts';
import { ResourceSchema, RFC3339_PATTERN, type SchemaNode } from './schema.ts';

export interface Problem {
  /** Field path, e.g. `spec.flowDefinition.tasks[2].connectorOperator`; '' for the whole document. */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** The object as it is in the cluster: enables the immutability (transition) rules. */
  old?: unknown;
}


const integrationRoot = ResourceSchema as unknown as SchemaNode;
const rootOf = (api: KindApi) => api.resourceSchema as unknown as SchemaNode;

// ---- ajv, one instance, each kind's schema compiled on first use ----

let ajvInstance: Ajv | undefined;
const compiled = new Map<KindApi, ValidateFunction>();
function validator(api: KindApi): ValidateFunction {
  let fn = compiled.get(api);
  if (!fn) compiled.set(api, (fn = ajv().compile(api.resourceSchema)));
  return fn;
}
function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
  // ajv-formats ships CJS with a default export; under Node's ESM interop it may be wrapped.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void;
  addFormats(ajv);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  // Kubernetes extensions: annotations for the API server, checked here by rules.ts.
  for (const keyword of ['x-kubernetes-validations', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys']) ajv.addKeyword({ keyword });
  return (ajvInstance = ajv);
}

// ---- paths ----

type Segment = string | number;

/** Formats segments the way the API server does: `.field`, `[index]`, `[mapKey]` (`root`: the kind's schema). */
export function formatPath(segments: readonly Segment[], root: SchemaNode = integrationRoot): string {
  let node: SchemaNode | undefined = root;
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number' || node?.type === 'array') {
      out += `[${seg}]`;
      node = node?.items;
    } else if (node && typeof node.additionalProperties === 'object') {
      out += `[${seg}]`;
      node = node.additionalProperties;
    } else {
      out += out ? `.${seg}` : seg;
      node = node?.properties?.[seg];
    }
  }
  return out;
}

function pointerSegments(pointer: string, data: unknown): Segment[] {
  if (!pointer) return [];
  const segs: Segment[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: Segment = Array.isArray(cur) ? Number(key) : key;
    segs.push(seg);
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return segs;
}

function schemaAt(segments: readonly Segment[], root: SchemaNode): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const seg of segments) {
    if (!node) return undefined;
    if (node.type === 'array') node = node.items;
    else if (typeof node.additionalProperties === 'object') node = node.additionalProperties;
    else node = node.properties?.[String(seg)];
  }
  return node;
}

// ---- messages for people ----

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : String(v);
  return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
};
const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v === 'number' ? `the number ${v}` : typeof v === 'boolean' ? `the boolean ${v}` : `the string ${show(v)}`;
const typeName: Record<string, string> = { string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', object: 'a mapping', array: 'a list' };

/** What the patterns of the model mean, so a message can say it in words too. */
const patternWords: Record<string, string> = {
  '^[a-zA-Z0-9_-]+$': 'letters, digits, _ and -',
  '^[a-zA-Z_][a-zA-Z_0-9-]*$': 'a letter or _ first, then letters, digits, _ and -',
  '[a-zA-Z0-9][\\w!@#.-]+': 'a letter or digit first, then letters, digits and _ ! @ # . - (no spaces)',
  'arn:aws:kms:.*:[0-9]+:.*': 'a KMS key ARN, arn:aws:kms:REGION:ACCOUNT:key/ID',
  'arn:aws:iam:.*:[0-9]+:.*': 'an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME',
  '\\S+': 'no whitespace only',
  '.+': 'not empty',
  '[\\w/!@#+=.-]+': 'letters, digits and / ! @ # + = . - _',
  '^[a-z]{2,3}(-[a-z]+)+-[0-9]{1,2}$': 'an AWS region such as us-east-1',
  '^sha256:[0-9a-f]{64}$': 'sha256: and 64 hex digits',
  '^[a-z0-9.-]+$': 'lowercase letters, digits, . and -',
  '^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$': 'a time of day HH:MM such as 03:00',
  [RFC3339_PATTERN]: 'an RFC 3339 date-time such as 2026-12-01T00:00:00Z, offsets from -23:59 to +23:59',
};

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}
function suggest(got: string, options: readonly string[]): string {
  const lowered = options.find((o) => o.toLowerCase() === got.toLowerCase());
  if (lowered) return `; did you mean ${lowered}?`;
  const near = options.filter((o) => editDistance(o, got) <= 2);
  return near.length === 1 ? `; did you mean ${near[0]}?` : '';
}
const firstSentence = (s: string | undefined) => (s ? s.split(/(?<=\.)\s/)[0]! : '');

function describe(e: ErrorObject, data: unknown, root: SchemaNode): Problem | undefined {
  const segs = pointerSegments(e.instancePath, data);
  const path = formatPath(segs, root);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const field = String(p.missingProperty);
      const node = schemaAt([...segs, field], root);
      const what = firstSentence(node?.description);
      return { path: formatPath([...segs, field], root), message: `required field is missing${what ? ` (${what.replace(/\.$/, '')})` : ''}` };
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as SchemaNode).properties ?? {});
      return { path: formatPath([...segs, field], root), message: `unknown field "${field}"${suggest(field, allowed)} (allowed: ${allowed.join(', ')})` };
    }
    case 'enum': {
      const allowed = (p.allowedValues as string[]) ?? [];
      return { path, message: `must be one of: ${allowed.join(', ')} (got ${show(e.data)})${typeof e.data === 'string' ? suggest(e.data, allowed) : ''}` };
    }
    case 'type': {
      const want = String(p.type);
      const yamlHint =
        want === 'string' && (typeof e.data === 'boolean' || typeof e.data === 'number')
          ? '; quote it: YAML reads unquoted yes/no/on/off/true/false and numbers as other types'
          : '';
      return { path, message: `must be ${typeName[want] ?? want} (got ${kindOf(e.data)})${yamlHint}` };
    }
    case 'pattern': {
      const pattern = String(p.pattern);
      const words = patternWords[pattern];
      return { path, message: `must match ${pattern}${words ? ` (${words})` : ''} (got ${show(e.data)})` };
    }
    case 'format':
      return p.format === 'date-time'
        ? { path, message: `must be an RFC 3339 date-time such as 2026-01-01T00:00:00Z (got ${show(e.data)})` }
        : { path, message: `must be a valid ${String(p.format)} (got ${show(e.data)})` };
    case 'maxLength':
      return { path, message: `must be at most ${String(p.limit)} characters (got ${[...String(e.data)].length})` };
    case 'minLength':
      return { path, message: Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters (got ${[...String(e.data)].length})` };
    case 'maxItems':
      return { path, message: `must have at most ${String(p.limit)} item${Number(p.limit) === 1 ? "" : "s"} (got ${(e.data as unknown[]).length})` };
    case 'minItems':
      return { path, message: `must have at least ${String(p.limit)} items` };
    case 'maxProperties':
      return { path, message: `must have at most ${String(p.limit)} entries (got ${Object.keys(e.data as object).length})` };
    case 'minProperties':
      return { path, message: `must have at least ${String(p.limit)} entries` };
    case 'minimum':
    case 'maximum':
      return { path, message: `must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)} (got ${show(e.data)})` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

// ---- the resource envelope: what the API server checks outside the schema ----

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function envelope(doc: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  if (doc.apiVersion !== API_VERSION) {
    problems.push({ path: 'apiVersion', message: `must be ${API_VERSION} (got ${show(doc.apiVersion)})` });
  }
  if (!isResourceKind(doc.kind)) {
    const known = `one of the kinds of ${GROUP}: ${ALL_KINDS.join(', ')}`;
    problems.push(
      doc.kind === undefined
        ? { path: 'kind', message: `required field is missing (${known})` }
        : { path: 'kind', message: `must be ${known} (got ${show(doc.kind)})${typeof doc.kind === 'string' ? suggest(doc.kind, ALL_KINDS) : ''}` },
    );
  }
  const md = doc.metadata;
  if (md === undefined || md === null) return [...problems, { path: 'metadata.name', message: 'required field is missing (the name of the resource)' }];
  if (typeof md !== 'object' || Array.isArray(md)) return [...problems, { path: 'metadata', message: `must be a mapping (got ${kindOf(md)})` }];
  const { name, generateName, namespace, labels, annotations } = md as Record<string, unknown>;
  if (name === undefined) {
    if (typeof generateName !== 'string') problems.push({ path: 'metadata.name', message: 'required field is missing (the name of the resource)' });
  } else if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problems.push({ path: 'metadata.name', message: `must be a lowercase RFC 1123 subdomain: lowercase letters, digits, - and ., starting and ending with a letter or digit, at most 253 characters (got ${kindOf(name)})` });
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    problems.push({ path: 'metadata.namespace', message: `must be a lowercase RFC 1123 label: lowercase letters, digits and -, at most 63 characters (got ${kindOf(namespace)})` });
  }
  for (const [field, map] of [['labels', labels], ['annotations', annotations]] as const) {
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) {
      problems.push({ path: `metadata.${field}`, message: `must be a mapping of strings (got ${kindOf(map)})` });
      continue;
    }
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') problems.push({ path: `metadata.${field}[${k}]`, message: `must be a string (got ${kindOf(v)}); quote it, e.g. "${String(v)}"` });
    }
  }
  problems.push(...operatorAnnotations(annotations));
  return problems;
}

/** The operator's own annotations: values it would otherwise ignore without a word. */
function operatorAnnotations(annotations: unknown): Problem[] {
  if (!annotations || typeof annotations !== 'object') return [];
  const a = annotations as Record<string, unknown>;
  const problems: Problem[] = [];
  const strings = Object.fromEntries(Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const paused = pausedAnnotationProblem(strings);
  if (paused) problems.push({ path: `metadata.annotations[${ANNOTATIONS.paused}]`, message: paused });
  const poll = pollIntervalAnnotation(strings).problem;
  if (poll) problems.push({ path: `metadata.annotations[${ANNOTATIONS.pollInterval}]`, message: poll });
  return problems;
}

// ---- rules ----

interface Instance {
  segments: Segment[];
  value: unknown;
}
function instances(doc: unknown, at: readonly string[]): Instance[] {
  let found: Instance[] = [{ segments: [], value: doc }];
  for (const seg of at) {
    const next: Instance[] = [];
    for (const { segments, value } of found) {
      if (seg === '*') {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ segments: [...segments, i], value: v }));
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        const v = (value as Record<string, unknown>)[seg];
        if (v !== undefined && v !== null) next.push({ segments: [...segments, seg], value: v });
      }
    }
    found = next;
  }
  return found;
}

function valueAt(doc: unknown, segments: readonly Segment[]): unknown {
  let cur = doc;
  for (const s of segments) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[s as string] : undefined;
  return cur;
}

function applyRule(rule: Rule, doc: unknown, old: unknown, root: SchemaNode): Problem[] {
  const out: Problem[] = [];
  for (const inst of instances(doc, rule.at)) {
    let findings;
    if (rule.transition) {
      const before = valueAt(old, inst.segments);
      if (old === undefined || before === undefined || before === null) continue;
      findings = rule.check(inst.value, before);
    } else {
      findings = rule.check(inst.value);
    }
    for (const f of findings) out.push({ path: formatPath(inst.segments, root) + f.path, message: f.message });
  }
  return out;
}

/**
 * Problems of one document of the group, checked as its `kind` says; empty when `kubectl apply`
 * would accept it. With `options.old`, also the immutability rules of an update. A document of an
 * unknown kind gets the envelope's problems only (there is no schema to check it against).
 */
export function validateResource(doc: unknown, options: ValidateOptions = {}): Problem[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return [{ path: '', message: `must be a mapping with apiVersion, kind, metadata and spec (got ${kindOf(doc)})` }];
  }
  const problems = envelope(doc as Record<string, unknown>);
  const kind = (doc as Record<string, unknown>).kind;
  if (!isResourceKind(kind)) return problems;
  const api = KINDS[kind];
  const root = rootOf(api);
  const validate = validator(api);
  if (!validate(doc)) {
    for (const e of validate.errors ?? []) {
      // apiVersion, kind and metadata are reported by envelope() with better words.
      if (/^\/(apiVersion|kind|metadata)(\/|$)/.test(e.instancePath) || (e.keyword === 'required' && e.instancePath === '' && ['metadata', 'apiVersion', 'kind'].includes(String(e.params.missingProperty)))) continue;
      const p = describe(e, doc, root);
      if (p) problems.push(p);
    }
  }
  for (const rule of api.rules) problems.push(...applyRule(rule, doc, options.old, root));
  // What passes the schema must also convert for AWS, or the controller would stall on it.
  if (problems.length === 0) {
    const bad = api.conversionProblem((doc as { spec: unknown }).spec);
    if (bad) problems.push({ path: bad.path, message: bad.message.slice(bad.path.length + 2) });
  }
  // ajv can report the same thing twice (e.g. through allErrors on one node).
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\n${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Whether a document is meant to be one of ours (by kind, or by our API group). */
export function isOurDocument(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const { apiVersion, kind } = doc as Record<string, unknown>;
  return isResourceKind(kind) || (typeof apiVersion === 'string' && apiVersion.split('/')[0] === GROUP);
}
