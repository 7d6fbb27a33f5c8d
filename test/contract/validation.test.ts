// Validation derived from the model: walk PutIntegrationRequest in the generated model, and for
// every constraint (required, length, pattern, enum, range, list/map size, map keys and values)
// send one request through the real SDK that breaks only that constraint of a valid request.
// Each must come back as BadRequestException naming the member.
import { PutIntegrationCommand } from '@aws-sdk/client-customer-profiles';
import { CreateDomainCommand } from '@aws-sdk/client-customer-profiles';
import { describe, expect, it, vi } from 'vitest';
import { shapes } from '../../src/emulator/model.generated.ts';
import { salesforceSdkInput } from '../fixtures/salesforce-scheduled-flow.ts';
import { failure, sharedEmulator } from './helpers.ts';

// Vitest 4 inline projects do not inherit the root testTimeout; the 5 s default is tight on a loaded 2-CPU box.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Path = (string | number | { mapKey: string } | { mapValue: string })[];

/** A valid request that sets every member of the tree, so every constraint is reachable. */
const baseline = {
  DomainName: 'retail',
  Uri: 'arn:aws:s3:::bucket',
  ObjectTypeName: 'T',
  ObjectTypeNames: { ShopifyCreateOrders: 'ShopifyOrder' },
  Tags: { team: 'crm' },
  RoleArn: 'arn:aws:iam::123456789012:role/profiles',
  EventTriggerNames: ['high-value'],
  Scope: 'PROFILE',
  FlowDefinition: {
    Description: 'nightly accounts',
    FlowName: 'flow-1',
    KmsArn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
    SourceFlowConfig: {
      ConnectorProfileName: 'sf-prod',
      ConnectorType: 'Salesforce',
      IncrementalPullConfig: { DatetimeTypeFieldName: 'LastModifiedDate' },
      SourceConnectorProperties: {
        Marketo: { Object: 'leads' },
        S3: { BucketName: 'bucket', BucketPrefix: 'in/' },
        Salesforce: { Object: 'Account', EnableDynamicFieldUpdate: true, IncludeDeletedRecords: false },
        ServiceNow: { Object: 'incident' },
        Zendesk: { Object: 'tickets' },
      },
    },
    Tasks: [
      {
        ConnectorOperator: { Marketo: 'NO_OP', S3: 'NO_OP', Salesforce: 'NO_OP', ServiceNow: 'NO_OP', Zendesk: 'NO_OP' },
        DestinationField: 'Name',
        SourceFields: ['Name'],
        TaskProperties: { DATA_TYPE: 'string' },
        TaskType: 'Map',
      },
    ],
    // A Scheduled trigger with every ScheduledTriggerProperties member.
    TriggerConfig: salesforceSdkInput('retail').FlowDefinition!.TriggerConfig!,
  },
};

interface Violation {
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
function violations(shapeName: string, path: Path, out: Violation[], unviolatable: string[]): void {
  const s = shapes[shapeName]!;
  const label = path.map((p) => (typeof p === 'object' ? ('mapKey' in p ? '<key>' : '<value>') : String(p))).join('.');
  switch (s.type) {
    case 'structure':
      for (const req of s.required ?? []) out.push({ name: `${label ? `${label}.` : ''}${req} required`, path: [...path, req], value: undefined, kind: 'required' });
      for (const [m, spec] of Object.entries(s.members)) violations(spec.shape, [...path, m], out, unviolatable);
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
      violations(s.member, [...path, 0], out, unviolatable);
      return;
    }
    case 'map': {
      const key = firstKey(baseline, path);
      if (s.min !== undefined && s.min > 0) out.push({ name: `${label} with fewer than ${s.min} entries`, path, value: {}, kind: 'min' });
      if (s.max !== undefined) {
        const big = Object.fromEntries(Array.from({ length: s.max + 1 }, (_, i) => [`k${i}`, get(baseline, [...path, key])]));
        out.push({ name: `${label} with more than ${s.max} entries`, path, value: big, kind: 'max' });
      }
      violations(s.key, [...path, { mapKey: key }], out, unviolatable);
      violations(s.value, [...path, { mapValue: key }], out, unviolatable);
      return;
    }
    default:
      return;
  }
}

/** Applies a violation to a copy of the baseline. */
function violate(v: Violation): any {
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
function messagePath(v: Violation): string {
  const parts: string[] = [];
  for (const p of v.path) {
    if (typeof p === 'number') parts.push(`${p + 1}.member`);
    else if (typeof p === 'object') parts.push('mapKey' in p ? `${v.value}.key` : `${p.mapValue}.value`);
    else parts.push(p);
  }
  return parts.join('.');
}

const found: Violation[] = [];
const unviolatable: string[] = [];
violations('PutIntegrationRequest', [], found, unviolatable);
// A missing DomainName cannot be sent: the SDK refuses to build the path without its label.
const wireViolations = found.filter((v) => !(v.path.length === 1 && v.path[0] === 'DomainName' && v.kind === 'required'));

const t = sharedEmulator(({ c }) => c.cp.send(new CreateDomainCommand({ DomainName: 'retail', DefaultExpirationDays: 30 })));

describe('PutIntegrationRequest constraints from the model', () => {
  it('the baseline request sets every member and is accepted', async () => {
    const missing: string[] = [];
    const visit = (shapeName: string, value: any, label: string) => {
      const s = shapes[shapeName]!;
      if (s.type === 'structure') {
        for (const [m, spec] of Object.entries(s.members)) {
          if (value?.[m] === undefined) missing.push(`${label}${m}`);
          else visit(spec.shape, value[m], `${label}${m}.`);
        }
      } else if (s.type === 'list') visit(s.member, value[0], label);
      else if (s.type === 'map') visit(s.value, Object.values(value)[0], label);
    };
    visit('PutIntegrationRequest', baseline, '');
    expect(missing).toEqual([]);
    const out = await t.c.cp.send(new PutIntegrationCommand(baseline as any));
    expect(out.Uri).toBe(baseline.Uri);
  });

  it('finds the constraints the model declares', () => {
    const kinds = new Set(found.map((v) => v.kind));
    expect([...kinds].sort()).toEqual(['enum', 'max', 'min', 'pattern', 'required']);
    expect(found.length).toBeGreaterThan(60);
    // Patterns that match the empty string are satisfied by every value (Smithy patterns are unanchored).
    for (const u of unviolatable) expect(u).toMatch(/: (\.\*|\[[^\]]+\]\*)$/);
  });

  it('a missing DomainName is refused by the SDK before it reaches the wire', async () => {
    const { DomainName: _, ...rest } = baseline;
    await expect(t.c.cp.send(new PutIntegrationCommand(rest as any))).rejects.toThrow(/DomainName/);
  });

  it.each(wireViolations.map((v) => [v.name, v] as const))('%s -> BadRequestException', async (_name, v) => {
    const err = await failure(t.c.cp.send(new PutIntegrationCommand(violate(v))));
    expect(err.name).toBe('BadRequestException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toContain(`at '${messagePath(v)}'`);
  });
});
