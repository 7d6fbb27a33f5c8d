// `cpi validate` on real files: directories, multi-document YAML, other kinds, Lists, bad YAML,
// unreadable paths, output formats and exit codes. Also: every sample in examples/ is valid.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../../../src/cli/commands/validate.ts';
import { validatePaths } from '../../../src/gitops/validate-paths.ts';
import { CliError } from '../../../src/cli/io.ts';
import { minimalDomain } from '../../fixtures/valid-domains.ts';
import { salesforceAccount } from '../../fixtures/valid-object-types.ts';
import { connectInstance, s3Flow } from '../../fixtures/valid-specs.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
let dir: string;

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpi-validate-'));
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };
  const bad = connectInstance('bad');
  bad.spec.tags = { 'aws:owner': 'me' };
  const flow = s3Flow();
  (flow.spec.flowDefinition!.tasks[2]!.connectorOperator as Record<string, string>) = { salesforce: 'NO_OP' };
  mkdirSync(join(dir, 'good'));
  writeFileSync(join(dir, 'good', 'a.yaml'), [configMap, connectInstance()].map((d) => stringify(d)).join('---\n'));
  writeFileSync(join(dir, 'good', 'notes.txt'), 'not: [a manifest');
  mkdirSync(join(dir, 'bad', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'bad', 'multi.yml'), `${stringify(configMap)}---\n${stringify(bad)}---\n${stringify(flow)}`);
  writeFileSync(join(dir, 'bad', 'nested', 'broken.yaml'), 'apiVersion: v1\nkind: [unclosed\n');
  writeFileSync(join(dir, 'bad', 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [connectInstance('ok'), bad] }));
  writeFileSync(join(dir, 'booleans.yaml'), stringify(connectInstance()).replace('team: crm', 'team: on'));
  writeFileSync(join(dir, 'unreadable.yaml'), stringify(connectInstance()));
  chmodSync(join(dir, 'unreadable.yaml'), 0o000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cpi validate', () => {
  it('accepts every sample in examples/ (each file and each document)', async () => {
    const report = await validatePaths([join(repo, 'examples')]);
    expect(report.problems).toEqual([]);
    expect(report.files).toBe(readdirSync(join(repo, 'examples'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).length);
    expect(report.resources).toBeGreaterThanOrEqual(12);
  });

  it('accepts the whole setup of examples/whole-setup/: a domain, an object type and the integration that uses them', async () => {
    const r = await cli(join(repo, 'examples', 'whole-setup'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('cpi validate: 3 resources (1 CustomerProfilesDomain, 1 CustomerProfilesObjectType, 1 CustomerProfilesIntegration) in 3 files: all valid');
    const report = await validatePaths([join(repo, 'examples', 'whole-setup')]);
    const byKind = Object.fromEntries(report.objects.map(({ object }) => [(object as { kind: string }).kind, (object as { spec: Record<string, unknown> }).spec]));
    // The integration uses the domain and the object type of the folder.
    expect(byKind.CustomerProfilesIntegration!.domainName).toBe(byKind.CustomerProfilesDomain!.domainName);
    expect(byKind.CustomerProfilesObjectType!.domainName).toBe(byKind.CustomerProfilesDomain!.domainName);
    expect(byKind.CustomerProfilesIntegration!.objectTypeName).toBe(byKind.CustomerProfilesObjectType!.objectTypeName);
    expect(byKind.CustomerProfilesDomain!.deletionPolicy).toBeUndefined(); // the Retain default, explained in the file
  });

  it('checks each document by its kind in a file that mixes them, and names the kinds of the group for an unknown one', async () => {
    const domain = minimalDomain();
    const badDomain = minimalDomain('bad-domain');
    (badDomain.spec as Record<string, unknown>).defaultExpirationDays = 5000;
    const badType = salesforceAccount('bad-type');
    badType.spec.fields!['first name'] = { source: '_source.FirstName' };
    const unknown = { ...minimalDomain('segment'), kind: 'CustomerProfilesSegment' };
    const file = join(dir, 'mixed.yaml');
    writeFileSync(file, [domain, salesforceAccount(), connectInstance(), badDomain, badType, unknown].map((d) => stringify(d)).join('---\n'));
    const r = await cli(file);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/mixed\.yaml:\d+:\d+: spec\.defaultExpirationDays: must be at most 1098 \(got 5000\) \(document 4 of 6\)$/);
    expect(lines[1]).toMatch(/mixed\.yaml:\d+:\d+: spec\.fields\[first name\]: key first name is not allowed: field names must be .* \(document 5 of 6\)$/);
    expect(lines[2]).toMatch(/mixed\.yaml:\d+:\d+: kind: must be one of the kinds of customerprofiles\.gitops\.dev: CustomerProfilesDomain, CustomerProfilesObjectType, CustomerProfilesIntegration \(got "CustomerProfilesSegment"\) \(document 6 of 6\)$/);
    expect(r.err).toBe('cpi validate: 6 resources (2 CustomerProfilesDomain, 2 CustomerProfilesObjectType, 1 CustomerProfilesIntegration, 1 of kind CustomerProfilesSegment) in 1 file: 3 problems');
  });

  it('exits 0 on a valid directory, skipping other kinds and non-manifest files', async () => {
    const r = await cli(join(dir, 'good'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe('cpi validate: 1 CustomerProfilesIntegration resource in 1 file: all valid');
  });

  it('prints file:line:column: path: message per problem, with the document when a file holds several, and exits 1', async () => {
    const r = await cli(join(dir, 'bad'));
    expect(r.code).toBe(1);
    const multi = join(dir, 'bad', 'multi.yml');
    const lines = r.out.split('\n');
    const owner = lines.find((l) => l.startsWith(multi) && l.includes('aws:owner'))!;
    expect(owner).toMatch(/^.*multi\.yml:\d+:\d+: spec\.tags\[aws:owner\]: key aws:owner must not start with aws:.* \(document 2 of 3\)$/);
    // line and column point at the offending field in the file.
    const [, line, column] = /:(\d+):(\d+): /.exec(owner)!.map(Number);
    const text = readFileSync(multi, 'utf8').split('\n');
    expect(text[line! - 1]!.slice(column! - 1)).toMatch(/^aws:owner|^me/);
    expect(r.out).toMatch(/multi\.yml:\d+:\d+: spec\.flowDefinition\.tasks\[2\]\.connectorOperator: must use the key s3 to match sourceFlowConfig\.connectorType S3 \(document 3 of 3\)/);
    // A List is checked item by item, with the item in the path; one document: no document named.
    expect(r.out).toMatch(/list\.json:1:\d+: items\[1\]\.spec\.tags\[aws:owner\]: key aws:owner/);
    expect(r.out).not.toMatch(/list\.json.*\(document/);
    expect(r.out).not.toContain('items[0]');
    // Malformed YAML: a clear line, no stack trace.
    expect(r.out).toMatch(new RegExp(`${join(dir, 'bad', 'nested', 'broken.yaml').replace(/[/.]/g, '\\$&')}:3:1: malformed YAML: .+`));
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
    expect(r.err).toMatch(/4 CustomerProfilesIntegration resources in 3 files: 4 problems$/);
  });

  it('explains YAML 1.1 booleans, as kubectl reads them', async () => {
    const r = await cli(join(dir, 'booleans.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('spec.tags[team]: must be a string (got the boolean true); quote it');
  });

  it('reports unreadable and missing paths and goes on with the rest', async () => {
    const r = await cli(join(dir, 'missing.yaml'), join(dir, 'good'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${join(dir, 'missing.yaml')}: cannot read: no such file or directory`);
    if (process.getuid?.() !== 0) {
      // root reads anything, so this one is only checkable as a normal user.
      const u = await cli(join(dir, 'unreadable.yaml'));
      expect(u.out).toContain('cannot read: permission denied');
    }
  });

  it('writes GitHub annotations with line numbers, and JSON', async () => {
    const gh = await cli('--format', 'github', join(dir, 'bad', 'multi.yml'));
    expect(gh.code).toBe(1);
    const lines = gh.out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^::error file=.*multi\.yml,line=\d+,col=\d+,title=cpi validate::spec\.tags\[aws:owner\]: key aws:owner/);
    // The line of the problem is the line of the offending field in the file.
    const text = readFileSync(join(dir, 'bad', 'multi.yml'), 'utf8').split('\n');
    const line = Number(/line=(\d+)/.exec(lines[0]!)![1]);
    expect(text[line - 1]).toContain('aws:owner');
    const json = await cli('--format', 'json', '-q', join(dir, 'bad', 'multi.yml'));
    const parsed = JSON.parse(json.out) as Array<{ file: string; doc: number; line: number; column: number; path: string; message: string; severity: string }>;
    expect(parsed.map((p) => [p.doc, p.path, p.severity])).toEqual([
      [1, 'spec.tags[aws:owner]', 'error'],
      [2, 'spec.flowDefinition.tasks[2].connectorOperator', 'error'],
    ]);
    expect(parsed.every((p) => p.line > 0 && p.column > 0)).toBe(true);
    expect(json.err).toBe('');
  });

  it('prints one line per YAML mistake, pointing at the line to fix', async () => {
    // `uri` indented one space more than its siblings: the parser reports it twice, on the line before.
    const text = stringify(connectInstance()).replace(/^  uri:/m, '   uri:');
    const file = join(dir, 'indent.yaml');
    writeFileSync(file, text);
    const uriLine = text.split('\n').findIndex((l) => l.startsWith('   uri:')) + 1;
    const r = await cli(file);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([expect.stringMatching(new RegExp(`^.*indent\\.yaml:${uriLine - 1}:\\d+: malformed YAML: .*\\(check the indentation of line ${uriLine}\\)$`))]);
    expect(r.out).not.toMatch(/:\s*$|at line \d+, column/);
    const tabs = join(dir, 'tabs.yaml');
    writeFileSync(tabs, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n');
    expect((await cli(tabs)).out).toBe(`${tabs}:4:1: malformed YAML: Tabs are not allowed as indentation`);
  });

  it('warns, without failing, when the Uri names another region than spec.region', async () => {
    const far = connectInstance('far');
    far.spec.region = 'eu-west-1';
    const file = join(dir, 'region.yaml');
    writeFileSync(file, [stringify(connectInstance()), stringify(far)].join('---\n'));
    const r = await cli(file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/region\.yaml:\d+:\d+: warning: spec\.uri: the ARN is in region us-east-1 but the integration is managed in eu-west-1 \(spec\.region\); .* \(document 2 of 2\)$/);
    expect(r.err).toBe('cpi validate: 2 CustomerProfilesIntegration resources in 1 file: all valid, 1 warning');
    const gh = await cli('--format', 'github', file);
    expect(gh.out).toMatch(/^::warning file=.*region\.yaml,line=\d+,col=\d+,title=cpi validate::spec\.uri: the ARN is in region us-east-1/);
    const json = JSON.parse((await cli('--format', 'json', '-q', file)).out) as Array<{ severity: string; doc: number }>;
    expect(json).toEqual([expect.objectContaining({ severity: 'warning', doc: 1, path: 'spec.uri' })]);
  });

  it('reads standard input for -, e.g. the output of kustomize build', async () => {
    const bad = connectInstance('piped');
    bad.spec.scope = 'domain' as never;
    const text = [stringify(connectInstance()), stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crm' } }), stringify(bad)].join('---\n');
    const report = await validatePaths(['-'], async () => text);
    expect(report.resources).toBe(2);
    expect(report.problems).toEqual([expect.objectContaining({ file: '<stdin>', doc: 2, path: 'spec.scope', message: expect.stringContaining('did you mean DOMAIN') })]);
  });

  it('refuses bad usage with a clear message', async () => {
    await expect(cli()).rejects.toThrow(CliError);
    await expect(cli('--format', 'xml', '.')).rejects.toThrow(/--format: "xml" is not a format; use text, github or json/);
    await expect(cli('--strict', '.')).rejects.toThrow(CliError);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: cpi validate');
  });
});
