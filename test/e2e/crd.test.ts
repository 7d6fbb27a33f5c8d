// The CRDs of the three kinds against a real kube-apiserver with the real kubectl: examples apply,
// every CEL rule and schema constraint rejects its bad case with the field named, immutability
// holds, `cpi validate` agrees with the API server on every case, and `get`, `describe` and
// `explain` read well.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { DOMAIN_NAMES, INTEGRATION_NAMES, OBJECT_TYPE_NAMES, type ResourceKind } from '../../src/api/group.ts';
import { KINDS } from '../../src/api/kinds.ts';
import { validateResource } from '../../src/api/validate.ts';
import { invalidDomainCases } from '../fixtures/invalid-domains.ts';
import { invalidObjectTypeCases } from '../fixtures/invalid-object-types.ts';
import { invalidCases as invalidIntegrationCases, type InvalidCase } from '../fixtures/invalid-specs.ts';
import { fullDomain, minimalDomain, validDomains } from '../fixtures/valid-domains.ts';
import { salesforceAccount, validObjectTypes } from '../fixtures/valid-object-types.ts';
import { connectInstance, s3Flow, validResources as validIntegrations } from '../fixtures/valid-specs.ts';

const validResources = [...validIntegrations, ...validDomains, ...validObjectTypes];
const invalidCases = [...invalidIntegrationCases, ...invalidDomainCases, ...invalidObjectTypeCases];
import { runCpi } from '../support/cpi.ts';
import { e2eContext, freshNamespace, kubectl, kubectlOk } from './support/index.ts';

const root = () => e2eContext().repoRoot;

let ns: string;
beforeAll(async () => {
  ns = await freshNamespace('crd');
});

type Doc = { metadata: { name: string; namespace?: string } } & Record<string, unknown>;

/** A copy named `<prefix>-<name>` so cases never collide in the namespace (a bad name stays bad). */
function named(doc: unknown, prefix: string): Doc {
  const d = structuredClone(doc) as Doc;
  if (d && typeof d === 'object' && d.metadata) {
    delete d.metadata.namespace;
    d.metadata.name = `${prefix}-${d.metadata.name}`;
  }
  return d;
}

const apply = (doc: unknown, extra: string[] = []) =>
  kubectl(['apply', '-f', '-', ...extra], { input: JSON.stringify(doc), namespace: ns });

/** Applies `old` (must be accepted) then `doc`; the result of the second apply. */
async function applyCase(c: { doc: unknown; old?: unknown }, prefix: string) {
  if (c.old) {
    const r = await apply(named(c.old, prefix));
    expect(r.code, `the old object must be accepted: ${r.stderr}`).toBe(0);
  }
  return apply(named(c.doc, prefix));
}

/** Applying `doc` with the spec field at `path` (dotted) changed to `value` is refused with `message`. */
async function expectImmutable(doc: Doc, path: string, value: unknown, message: string) {
  const bad = structuredClone(doc) as Record<string, any>;
  const keys = ['spec', ...path.split('.')];
  const parent = keys.slice(0, -1).reduce((o, k) => o[k], bad);
  parent[keys.at(-1)!] = value;
  const r = await apply(bad);
  expect(r.code, `${path} change was accepted`).not.toBe(0);
  expect(r.stderr).toContain(`spec.${path}: Invalid value`);
  expect(r.stderr).toContain(message);
}

function filesUnder(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => ext.test(f) && statSync(f).isFile())
    .sort();
}

describe('examples', () => {
  test('kubectl apply of every example succeeds, and cpi validate passes them', async () => {
    const files = filesUnder(join(root(), 'examples'), /\.ya?ml$/);
    expect(files.length, 'examples/ holds no YAML').toBeGreaterThan(0);
    for (const file of files) {
      const r = await kubectl(['apply', '-f', file], { namespace: ns });
      expect(r.code, `${relative(root(), file)}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/created|configured|unchanged/);
    }
    const v = await runCpi(['validate', join(root(), 'examples')]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });
});

// ---- cpi validate vs the API server, good and bad, in one table ----

type Row =
  | { kind: 'valid'; name: string; doc: unknown; old?: undefined }
  | ({ kind: 'invalid' } & InvalidCase);

const rows: Row[] = [
  ...validResources.map((v) => ({ kind: 'valid' as const, name: v.name, doc: v.doc() })),
  ...invalidCases.map((c) => ({ kind: 'invalid' as const, ...c })),
];

describe('cpi validate agrees with the API server', () => {
  // The CLI reads files: one JSON file per creation case, validated in one run (updates need the
  // old object, which only the library takes, so they go through validateResource directly).
  const cli = new Map<string, { path: string; message: string }[]>();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpi-crd-validate-'));
    rows.forEach((row, i) => {
      if (!row.old) writeFileSync(join(dir, `case-${String(i).padStart(3, '0')}.json`), JSON.stringify(row.doc));
    });
    const r = await runCpi(['validate', '--quiet', '--format', 'json', dir]);
    expect([0, 1], r.stderr).toContain(r.code);
    for (const p of JSON.parse(r.stdout) as { file: string; path: string; message: string }[]) {
      const key = relative(dir, p.file);
      cli.set(key, [...(cli.get(key) ?? []), { path: p.path, message: p.message }]);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.concurrent.for(rows.map((row, i) => ({ i, row, title: `${row.kind}: ${row.name}` })))('$title', async ({ i, row }) => {
    const server = await applyCase(row, `t${i}`);
    const offline = row.old ? validateResource(row.doc, { old: row.old }) : cli.get(`case-${String(i).padStart(3, '0')}.json`) ?? [];
    if (row.kind === 'valid') {
      expect(server.code, `the API server rejected a valid resource: ${server.stderr}`).toBe(0);
      expect(offline, 'cpi validate rejected a resource the API server accepts').toEqual([]);
      return;
    }
    // Bad: both reject it, naming the same field.
    expect(server.code, `the API server accepted "${row.name}": ${server.stdout}`).not.toBe(0);
    // offlineOnly: the API server refuses it before validation (e.g. an unserved apiVersion), so
    // its answer names no field; the fixture says why.
    if (!row.offlineOnly) {
      expect(server.stderr).toContain(row.serverReason ?? row.reason);
      expect(server.stderr).toContain(row.serverPath ?? row.path);
    }
    expect(offline.length, `cpi validate accepted "${row.name}", which the API server rejects: ${server.stderr}`).toBeGreaterThan(0);
    expect(offline).toContainEqual(expect.objectContaining({ path: row.path, message: expect.stringContaining(row.reason) }));
  });

  test('the table covers every invalid case and every valid fixture, of every kind', () => {
    expect(rows.filter((r) => r.kind === 'invalid').length).toBe(invalidCases.length);
    expect(rows.length).toBe(invalidCases.length + validResources.length);
    const kinds = new Set(rows.map((r) => (r.doc as { kind?: string }).kind));
    for (const k of Object.keys(KINDS)) expect(kinds.has(k), k).toBe(true);
  });
});

// ---- CEL rules, one bad case each, message asserted ----

/** Each CEL rule of each CRD and the fixture case that breaks only it. */
const ruleCases: Record<ResourceKind, Record<string, string>> = {
  [DOMAIN_NAMES.kind]: {
    domainNameImmutable: 'domain: domainName changed',
    regionImmutable: 'domain: region changed',
    tagKeysNotReserved: 'domain: tag key starting with aws:',
    tagKeysNotOperators: 'domain: tag key with the operator prefix',
    tagsRoomForOwner: "domain: 50 tags (one is the operator's)",
    tagKeysShape: 'domain: tag key with a space',
  },
  [OBJECT_TYPE_NAMES.kind]: {
    domainNameImmutable: 'object type: domainName changed',
    objectTypeNameImmutable: 'object type: objectTypeName changed',
    regionImmutable: 'object type: region removed',
    tagKeysNotReserved: 'object type: tag key starting with aws:',
    tagKeysNotOperators: 'object type: tag key with the operator prefix',
    tagsRoomForOwner: "object type: 50 tags (one is the operator's)",
    tagKeysShape: 'object type: tag key with a space',
    fieldsKeys: 'object type: field name with a space',
    keysKeys: 'object type: key name with a dot',
  },
  [INTEGRATION_NAMES.kind]: {
    domainNameImmutable: 'domainName changed',
    uriImmutable: 'uri changed',
    regionImmutable: 'region changed',
    uriOrFlowDefinition: 'neither uri nor flowDefinition',
    flowNameImmutable: 'flowName changed',
    sourceConnectorPropertiesOneKey: 'two source property keys',
    sourceConnectorPropertiesMatchType: 'source properties of another connector',
    connectorOperatorOneKey: 'task operator with two keys',
    connectorOperatorMatchesType: 'task operator key of another connector (tasks[2])',
    scheduledPropertiesRequired: 'Scheduled trigger without schedule',
    scheduledPropertiesOnlyWhenScheduled: 'OnDemand trigger with a schedule',
    scheduleWindow: 'schedule ending before it starts',
    tagKeysNotReserved: 'tag key starting with aws:',
    tagKeysShape: 'tag key with a space',
    objectTypeNamesKeys: 'objectTypeNames with an empty key',
    taskPropertiesKeys: 'taskProperties key not an operator property',
    tagKeysNotOperators: 'tag key with the operator prefix',
    tagsRoomForOwner: "50 tags (one is the operator's)",
    integrationArnLength: 'integration ARN over 256 characters (long flowName)',
  },
};

const kindRules = Object.values(KINDS).flatMap((k) => k.rules.map((r) => [k.names.kind as ResourceKind, r.name] as const));

describe('CEL rules', () => {
  test('every rule of every kind has a bad case here', () => {
    for (const [kind, api] of Object.entries(KINDS)) expect(Object.keys(ruleCases[kind as ResourceKind]).sort(), kind).toEqual(api.rules.map((r) => r.name).sort());
  });

  test.concurrent.for(kindRules)('%s %s rejects its bad case with its message', async ([resourceKind, ruleName]) => {
    const rule = KINDS[resourceKind].rules.find((r) => r.name === ruleName)!;
    const c = invalidCases.find((x) => x.name === ruleCases[resourceKind][ruleName]);
    expect(c, `no fixture named "${ruleCases[resourceKind][ruleName]}"`).toBeDefined();
    expect((c!.doc as { kind: string }).kind).toBe(resourceKind);
    const r = await applyCase(c!, `cel-${resourceKind.slice('CustomerProfiles'.length).toLowerCase()}-${ruleName.toLowerCase()}`);
    expect(r.code).not.toBe(0);
    // A messageExpression names the offending key; otherwise the rule's message verbatim.
    expect(r.stderr).toContain(rule.messageExpression ? c!.reason : rule.message);
    const kind = { FieldValueRequired: 'Required value', FieldValueForbidden: 'Forbidden', FieldValueInvalid: 'Invalid value' }[rule.reason ?? 'FieldValueInvalid'];
    expect(r.stderr).toContain(`${c!.serverPath ?? c!.path}: ${kind}`);
  });
});

// ---- immutability: the identity fields are locked, everything else may change ----

describe('updates', () => {
  test('domainName, uri and flowName cannot change; other fields can', async () => {
    const ci = named(connectInstance(), 'upd');
    expect((await apply(ci)).code).toBe(0);
    const changed = structuredClone(ci) as Doc & { spec: Record<string, unknown> };
    changed.spec.objectTypeName = 'CTR2';
    changed.spec.tags = { team: 'sales' };
    changed.spec.deletionPolicy = 'Retain';
    changed.spec.managementPolicy = 'Observe';
    const ok = await apply(changed);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('configured');

    await expectImmutable(changed, 'domainName', 'wholesale', 'domainName is immutable');
    await expectImmutable(changed, 'uri', 'arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-0000-0000-000000000000', 'uri is immutable once set');

    // A flow: uri may be set later (AWS generates it), flowName never changes, the rest may.
    const flow = named(s3Flow(), 'upd') as Doc & { spec: Record<string, any> };
    expect((await apply(flow)).code).toBe(0);
    flow.spec.uri = 'arn:aws:appflow:us-east-1:123456789012:flow/retail-s3-customers';
    flow.spec.flowDefinition.description = 'new description';
    flow.spec.flowDefinition.tasks = flow.spec.flowDefinition.tasks.slice(0, 2);
    const flowOk = await apply(flow);
    expect(flowOk.code, flowOk.stderr).toBe(0);
    await expectImmutable(flow, 'flowDefinition.flowName', 'retail-s3-customers-v2', 'flowName is immutable');
  });

  test('a domain\'s and an object type\'s names cannot change; their other fields can', async () => {
    const domain = named(fullDomain(), 'upd') as Doc & { spec: Record<string, any> };
    expect((await apply(domain)).code).toBe(0);
    domain.spec.defaultExpirationDays = 30;
    domain.spec.matching.enabled = false;
    delete domain.spec.ruleBasedMatching;
    domain.spec.deletionPolicy = 'Retain';
    const ok = await apply(domain);
    expect(ok.code, ok.stderr).toBe(0);
    await expectImmutable(domain, 'domainName', 'wholesale', 'domainName is immutable: a domain cannot be renamed');

    const objectType = named(salesforceAccount(), 'upd') as Doc & { spec: Record<string, any> };
    expect((await apply(objectType)).code).toBe(0);
    objectType.spec.description = 'new words';
    delete objectType.spec.fields.Phone;
    objectType.spec.keys = { _salesforceAccountId: objectType.spec.keys._salesforceAccountId };
    const typeOk = await apply(objectType);
    expect(typeOk.code, typeOk.stderr).toBe(0);
    await expectImmutable(objectType, 'objectTypeName', 'SalesforceAccountV2', 'objectTypeName is immutable');
    await expectImmutable(objectType, 'domainName', 'wholesale', 'domainName is immutable');
  });
});

// ---- what people see ----

function crdSchema(): any {
  const crd = parseYaml(readFileSync(join(root(), 'crds/customerprofilesintegrations.yaml'), 'utf8'));
  return crd.spec.versions[0].schema.openAPIV3Schema;
}
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('kubectl output', () => {
  const name = 'printer';
  const uri = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
  beforeAll(async () => {
    const doc = connectInstance(name);
    expect((await apply(doc)).code).toBe(0);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: now, observedGeneration: 1 });
    const status = {
      observedGeneration: 1,
      uri,
      region: 'us-east-1',
      workflowId: 'wf-1234',
      conditions: [cond('Ready', 'True', 'Available', 'the integration matches the spec'), cond('Synced', 'True', 'ReconcileSuccess', 'AWS reached')],
    };
    await kubectlOk(['patch', 'cpi', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })], { namespace: ns });
  });

  test('kubectl get cpi shows the printer columns, -o wide the extra ones', async () => {
    const out = await kubectlOk(['get', 'cpi', name], { namespace: ns });
    const [header, row] = out.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'DOMAIN', 'URI', 'READY', 'SYNCED', 'WORKFLOW', 'AGE']);
    expect(row!.split(/\s+/).slice(0, 6)).toEqual([name, 'retail', uri, 'True', 'True', 'wf-1234']);

    const wide = (await kubectlOk(['get', 'cpi', name, '-o', 'wide'], { namespace: ns })).trim().split('\n');
    expect(wide[0]!.split(/\s+/)).toEqual(['NAME', 'DOMAIN', 'URI', 'READY', 'SYNCED', 'WORKFLOW', 'AGE', 'REASON', 'REGION', 'ACCOUNT', 'OWNERSHIP', 'POLICY', 'DELETION']);
    const cells = wide[1]!.split(/\s+/);
    expect(cells.slice(-4)).toEqual(['Available', 'us-east-1', 'Manage', 'Delete']); // policies defaulted by the schema

    // Short names and the category reach it too.
    for (const alias of ['cpint', 'customerprofilesintegrations', 'aws']) {
      expect(await kubectlOk(['get', alias, '-o', 'name'], { namespace: ns })).toContain(`customerprofilesintegration.customerprofiles.gitops.dev/${name}`);
    }
  });

  test('kubectl describe reads well', async () => {
    const out = await kubectlOk(['describe', 'cpi', name], { namespace: ns });
    for (const line of [/^Name:\s+printer$/m, /^Kind:\s+CustomerProfilesIntegration$/m, /Domain Name:\s+retail/, /Object Type Name:\s+CTR/,
      /Deletion Policy:\s+Delete/, /^Status:$/m, /Conditions:/, /Type:\s+Ready/, /Reason:\s+Available/, /Workflow Id:\s+wf-1234/]) {
      expect(out).toMatch(line);
    }
  });

  test('kubectl explain shows the descriptions of flowDefinition and its fields', async () => {
    const out = squash(await kubectlOk(['explain', 'customerprofilesintegration.spec.flowDefinition']));
    const fd = crdSchema().properties.spec.properties.flowDefinition;
    expect(fd.description?.length).toBeGreaterThan(20);
    expect(out).toContain(squash(fd.description));
    for (const [field, schema] of Object.entries<any>(fd.properties)) {
      expect(schema.description, `spec.flowDefinition.${field} has no description`).toBeTruthy();
      expect(out).toContain(field);
      expect(out).toContain(squash(schema.description).slice(0, 60));
    }
  });
});

describe('kubectl output of domains and object types', () => {
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const cond = (type: string, status: string, reason: string) => ({ type, status, reason, message: 'm', lastTransitionTime: now(), observedGeneration: 1 });
  const status = { observedGeneration: 1, region: 'us-east-1', account: '123456789012', ownership: 'Created', conditions: [cond('Ready', 'True', 'Available'), cond('Synced', 'True', 'ReconcileSuccess')] };

  beforeAll(async () => {
    expect((await apply(minimalDomain('printer-domain', 'printer'))).code).toBe(0);
    const type = salesforceAccount('printer-type');
    type.spec.domainName = 'printer';
    expect((await apply(type)).code).toBe(0);
    for (const [resource, name] of [['cpd', 'printer-domain'], ['cpot', 'printer-type']]) {
      await kubectlOk(['patch', resource!, name!, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })], { namespace: ns });
    }
  });

  test('kubectl get cpd and cpot show the printer columns, -o wide the extra ones, defaults applied', async () => {
    const domain = (await kubectlOk(['get', 'cpd', 'printer-domain', '-o', 'wide'], { namespace: ns })).trim().split('\n');
    expect(domain[0]!.split(/\s+/)).toEqual(['NAME', 'DOMAIN', 'READY', 'SYNCED', 'AGE', 'REASON', 'REGION', 'ACCOUNT', 'OWNERSHIP', 'POLICY', 'DELETION']);
    const d = domain[1]!.split(/\s+/);
    expect([...d.slice(0, 4), ...d.slice(5)]).toEqual(['printer-domain', 'printer', 'True', 'True', 'Available', 'us-east-1', '123456789012', 'Created', 'Manage', 'Retain']);
    const type = (await kubectlOk(['get', 'cpot', 'printer-type', '-o', 'wide'], { namespace: ns })).trim().split('\n');
    expect(type[0]!.split(/\s+/)).toEqual(['NAME', 'DOMAIN', 'OBJECTTYPE', 'READY', 'SYNCED', 'AGE', 'REASON', 'REGION', 'ACCOUNT', 'OWNERSHIP', 'POLICY', 'DELETION']);
    const t = type[1]!.split(/\s+/);
    expect([...t.slice(0, 5), ...t.slice(-2)]).toEqual(['printer-type', 'printer', 'SalesforceAccount', 'True', 'True', 'Manage', 'Delete']);
    // Every short name and the category reach them.
    for (const alias of ['cpdomain', 'customerprofilesdomains', 'aws']) expect(await kubectlOk(['get', alias, '-o', 'name'], { namespace: ns })).toContain('customerprofilesdomain.customerprofiles.gitops.dev/printer-domain');
    for (const alias of ['customerprofilesobjecttypes', 'aws']) expect(await kubectlOk(['get', alias, '-o', 'name'], { namespace: ns })).toContain('customerprofilesobjecttype.customerprofiles.gitops.dev/printer-type');
  });

  test('kubectl explain describes every field of a domain\'s matching and an object type\'s keys', async () => {
    for (const [path, plural, at] of [
      ['customerprofilesdomain.spec.matching', 'customerprofilesdomains', ['matching']],
      ['customerprofilesobjecttype.spec.keys', 'customerprofilesobjecttypes', ['keys']],
      ['customerprofilesdomain.spec', 'customerprofilesdomains', []],
    ] as const) {
      const out = squash(await kubectlOk(['explain', path]));
      let node = parseYaml(readFileSync(join(root(), `crds/${plural}.yaml`), 'utf8')).spec.versions[0].schema.openAPIV3Schema.properties.spec;
      for (const seg of at) node = node.properties[seg];
      expect(out).toContain(squash(node.description).slice(0, 60));
      const fields = node.properties ?? node.additionalProperties?.items?.properties ?? {};
      expect(Object.keys(fields).length, path).toBeGreaterThan(0);
      for (const [field, schema] of Object.entries<any>(fields)) {
        expect(out, `${path}.${field}`).toContain(field);
        expect(out).toContain(squash(schema.description).slice(0, 60));
      }
    }
    // The Retain default of a domain says why.
    expect(squash(await kubectlOk(['explain', 'customerprofilesdomain.spec.deletionPolicy']))).toContain('DeleteDomain deletes every profile');
  });
});

// ---- deploy/ ----

/** Files in deploy/ that are not Kubernetes manifests for this API server, and why. */
const notForApiServer: Record<string, string> = {
  'deploy/kind/cluster.yaml': 'a kind cluster config, read by the kind CLI',
  'deploy/argocd/health_test.yaml': "the test spec of Argo CD's health check",
  'deploy/argocd/application.yaml': "an Argo CD Application: needs Argo CD's CRD, which a bare control plane lacks",
};

/** Kustomizations of objects whose CRDs a bare control plane lacks, and where they are checked. */
const needsOtherCrds: Record<string, string> = {
  'deploy/monitoring': "PrometheusRule and ServiceMonitor need the Prometheus Operator's CRDs; test/e2e/monitoring.test.ts builds it and checks every expression",
};

describe('deploy/', () => {
  test('kubectl apply --dry-run=server of everything in deploy/ succeeds', async () => {
    const deploy = join(root(), 'deploy');
    const all = filesUnder(deploy, /\.ya?ml$/).map((f) => relative(root(), f));
    const kustomizeDirs = all.filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f)).map((f) => f.replace(/\/kustomization\.ya?ml$/, ''));
    const inKustomization = (f: string) => kustomizeDirs.some((d) => f.startsWith(`${d}/`));
    expect(kustomizeDirs.length).toBeGreaterThan(0);

    for (const dir of kustomizeDirs.filter((d) => !(d in needsOtherCrds))) {
      const r = await kubectl(['apply', '--dry-run=server', '-k', dir]);
      expect(r.code, `${dir}: ${r.stderr}`).toBe(0);
    }
    const loose = all.filter((f) => !inKustomization(f) && !(f in notForApiServer));
    expect(loose.length).toBeGreaterThan(0);
    // One dry run for all loose files. Objects keep their namespace when it exists here, else they
    // go to ours (the Argo CD health test's resources live in "crm", argocd-cm in "argocd").
    const namespaces = new Set((await kubectlOk(['get', 'namespaces', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' '));
    const items = loose.flatMap((file) =>
      parseAllDocuments(readFileSync(join(root(), file), 'utf8')).map((d) => d.toJS()).filter(Boolean).map((doc) => {
        if (doc.metadata && !namespaces.has(doc.metadata.namespace)) doc.metadata.namespace = ns;
        return doc;
      }),
    );
    const r = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
    expect(r.code, `${loose.join(', ')}: ${r.stderr}`).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(items.length); // one "(server dry run)" line each
    // Every exclusion still exists (a stale list would hide a new file).
    for (const f of Object.keys(notForApiServer)) expect(all, `${f} is listed in notForApiServer but gone`).toContain(f);
  });

  test("the controller's ServiceAccount (the kubeconfig every e2e test runs it with) can do what it needs, nothing more", async () => {
    const controller = e2eContext().controllerKubeconfig;
    const can = async (...args: string[]) => (await kubectl(['auth', 'can-i', ...args], { kubeconfig: controller })).stdout.trim();
    const who = await kubectlOk(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: controller });
    expect(who).toBe('system:serviceaccount:cpi-system:cpi-controller');
    const kinds = Object.values(KINDS).map((k) => k.names.crdName);
    for (const args of [
      ...kinds.flatMap((cpi) => [
        ['get', cpi, '-n', ns], ['list', cpi, '-A'], ['watch', cpi, '-A'], ['patch', cpi, '-n', ns], ['update', cpi, '-n', ns],
        ['get', `${cpi}/status`, '-n', ns], ['patch', `${cpi}/status`, '-n', ns], ['update', `${cpi}/status`, '-n', ns], ['update', `${cpi}/finalizers`, '-n', ns],
      ]),
      ['create', 'events.events.k8s.io', '-n', ns], ['patch', 'events.events.k8s.io', '-n', ns],
      ['list', 'namespaces'], ['watch', 'namespaces'], ['get', 'namespaces'],
      ['get', 'leases.coordination.k8s.io', '-n', 'cpi-system'], ['create', 'leases.coordination.k8s.io', '-n', 'cpi-system'],
      ['update', 'leases.coordination.k8s.io', '-n', 'cpi-system'],
    ]) expect(await can(...args), `can-i ${args.join(' ')}`).toBe('yes');
    for (const args of [
      // It never creates nor deletes the resources people declare, of any kind.
      ...kinds.flatMap((cpi) => [['create', cpi, '-n', ns], ['delete', cpi, '-n', ns], ['deletecollection', cpi, '-n', ns], ['create', `${cpi}/status`, '-n', ns]]),
      ['get', 'secrets', '-n', ns], ['list', 'secrets', '-A'],
      ['update', 'leases.coordination.k8s.io', '-n', ns], ['create', 'namespaces'], ['delete', 'events.events.k8s.io', '-n', ns],
      ['create', 'pods', '-n', 'cpi-system'],
    ]) expect(await can(...args), `can-i ${args.join(' ')}`).toBe('no');
  });
});
