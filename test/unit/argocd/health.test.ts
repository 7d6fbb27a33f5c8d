// Runs deploy/argocd/health.lua in gopher-lua, the Lua VM inside Argo CD, through a small Go harness
// (tools/lua-harness) that sets the VM up as Argo CD's runLua does: package, base and table libraries
// only (or every library with useOpenLibs), os.time/os.date behind require("os"), json preloaded,
// the resource in `obj`, a 1 s deadline, the result decoded into {status, message}. The harness is
// built from the Go module proxy on first use and cached (src/dev/go-tools.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALL_KIND_NAMES } from '../../../src/api/group.ts';
import * as statuses from '../../../src/reconcile/status.ts';
import { goToolFixture } from '../go-tool.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const argocdDir = join(root, 'deploy/argocd');
const healthScript = join(argocdDir, 'health.lua');
// A cold build of the harness is a few seconds of Go; the first on a machine also downloads gopher-lua.
const harness = goToolFixture('argocd-lua', 300_000);
const work = harness.work;

type Outcome = { ok: true; status: string; message: string } | { ok: false; error: string };

let counter = 0;
function runHealth(scriptPath: string, object: unknown, opts: { openLibs?: boolean } = {}): Outcome {
  const objectPath = join(work, `object-${++counter}.json`);
  writeFileSync(objectPath, JSON.stringify(object));
  const args = [...(opts.openLibs ? ['-open-libs'] : []), scriptPath, objectPath];
  const res = spawnSync(harness.path, args, { encoding: 'utf8', timeout: 10_000 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`argocd-lua crashed (exit ${res.status}): ${res.stdout}${res.stderr}`);
  const out = JSON.parse(res.stdout) as { status?: string; message?: string; error?: string };
  if (out.error !== undefined) return { ok: false, error: out.error };
  return { ok: true, status: out.status!, message: out.message! };
}

function runSnippet(source: string, object: unknown = {}, opts: { openLibs?: boolean } = {}): Outcome {
  const path = join(work, `snippet-${++counter}.lua`);
  writeFileSync(path, source);
  return runHealth(path, object, opts);
}

interface HealthCase {
  healthStatus: { status: string; message: string };
  inputPath: string;
}
const cases = (parse(readFileSync(join(argocdDir, 'health_test.yaml'), 'utf8')) as { tests: HealthCase[] }).tests;

describe('deploy/argocd/health.lua in the Argo CD sandbox', () => {
  it.each(cases.map((c) => [c.inputPath, c] as const))('%s', (_path, c) => {
    const object = parse(readFileSync(join(argocdDir, c.inputPath), 'utf8'));
    expect(runHealth(healthScript, object)).toEqual({ ok: true, ...c.healthStatus });
    // Users who set useOpenLibs for the key get the same answer.
    expect(runHealth(healthScript, object, { openLibs: true })).toEqual({ ok: true, ...c.healthStatus });
  });

  it('covers every kind of the group (one script serves them all)', () => {
    const kinds = new Set(cases.map((c) => (parse(readFileSync(join(argocdDir, c.inputPath), 'utf8')) as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(ALL_KIND_NAMES.map((n) => n.kind).sort());
  });

  it('covers every status the operator can be in', () => {
    const statuses = new Set(cases.map((c) => c.healthStatus.status));
    expect([...statuses].sort()).toEqual(['Degraded', 'Healthy', 'Progressing', 'Suspended']);
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it('reads generations whether they arrive as numbers or numeric strings', () => {
    const object = parse(readFileSync(join(argocdDir, 'testdata/healthy.yaml'), 'utf8'));
    object.metadata.generation = '2';
    object.status.observedGeneration = '2';
    expect(runHealth(healthScript, object)).toMatchObject({ ok: true, status: 'Healthy' });
  });
});

// The statuses the controller really writes (src/reconcile/status.ts), through a resource's life,
// so the health check and the controller cannot drift apart.
describe('health.lua on statuses from the controller\'s status builders', () => {
  const now = new Date('2026-11-30T07:00:00Z');
  const arn = 'arn:aws:profile:us-east-1:123456789012:domains/retail/integrations/uri-1';
  const observed = { domainName: 'retail', uri: 'uri-1', objectTypeName: 'CTR', createdAt: now, lastUpdatedAt: now };
  const resource = (generation: number, status: unknown, extra: { annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}) => ({
    apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
    kind: 'CustomerProfilesIntegration',
    metadata: { name: 'ctr', namespace: 'crm', generation, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { domainName: 'retail', uri: 'uri-1', objectTypeName: 'CTR', ...extra.spec },
    status,
  });
  const health = (obj: unknown) => {
    const out = runHealth(healthScript, JSON.parse(JSON.stringify(obj)));
    if (!out.ok) throw new Error(out.error);
    return out;
  };

  it('follows a resource from creation to Ready, through an edit, a retry, a stall and a pause', () => {
    const creating = statuses.inProgress({}, 1, now, 'Creating', 'creating the integration in domain retail');
    expect(health(resource(1, creating))).toEqual({ ok: true, status: 'Progressing', message: 'Creating: creating the integration in domain retail' });

    const isReady = statuses.ready(creating, 1, now, observed, { region: 'us-east-1', account: '123456789012', arn });
    expect(health(resource(1, isReady))).toMatchObject({ status: 'Healthy', message: 'Available: integration uri-1 matches the spec' });

    // A spec edit the controller has not looked at yet.
    expect(health(resource(2, isReady))).toMatchObject({ status: 'Progressing', message: 'Waiting for the controller to observe generation 2 (observed 1)' });

    const retrying = statuses.failed(isReady, 2, now, 'Throttled', 'PutIntegration: Rate exceeded', 'Updating');
    expect(health(resource(2, retrying))).toMatchObject({ status: 'Progressing', message: 'Updating: PutIntegration: Rate exceeded' });

    const stuck = statuses.stalled(retrying, 2, now, 'InvalidSpec', 'BadRequestException: no such object type');
    expect(health(resource(2, stuck))).toMatchObject({ status: 'Degraded', message: 'InvalidSpec: BadRequestException: no such object type' });

    const fixed = statuses.ready(stuck, 3, now, observed, { region: 'us-east-1', account: '123456789012', arn });
    expect(health(resource(3, fixed))).toMatchObject({ status: 'Healthy' });

    const held = statuses.paused(fixed, 3, now);
    expect(health(resource(3, held, { annotations: { 'customerprofiles.gitops.dev/paused': 'true' } }))).toMatchObject({ status: 'Suspended' });
  });

  it('reports Observe mode: Healthy when AWS matches, Degraded on drift or when missing', () => {
    const spec = { managementPolicy: 'Observe' };
    const matches = statuses.observeOnly({}, 1, now, observed, [], { region: 'us-east-1', account: '123456789012', arn });
    expect(health(resource(1, matches, { spec }))).toMatchObject({ status: 'Healthy' });
    const drifted = statuses.observeOnly({}, 1, now, observed, [{ path: 'objectTypeName', kind: 'change', from: 'CTR', to: 'CTR-v2' }], { region: 'us-east-1', account: '123456789012', arn });
    expect(health(resource(1, drifted, { spec }))).toEqual({ ok: true, status: 'Degraded', message: 'Drifted: AWS differs from the spec: objectTypeName: "CTR" -> "CTR-v2"' });
    const missing = statuses.observeOnly({}, 1, now, undefined, [], { region: 'us-east-1', account: '123456789012', arn: '' });
    expect(health(resource(1, missing, { spec }))).toMatchObject({ status: 'Degraded', message: expect.stringMatching(/^NotFound: /) });
  });
});

describe('the harness sets gopher-lua up as Argo CD does', () => {
  const done = 'return { status = "Healthy", message = "ran" }';

  it('runs base and table, with os.time/os.date behind require("os") and json preloaded', () => {
    const out = runSnippet(`
      local os = require("os")
      local t = {}
      for i, c in ipairs(obj.items) do table.insert(t, c .. "!") end
      assert(os.time() > 0 and type(os.date("!%Y")) == "string")
      assert(require("table") == table and require("json").encode({1}) == "[1]")
      local ok = pcall(error, "x")
      return { status = "Healthy", message = table.concat(t, ",") .. " " .. tostring(tonumber("7") + #t) .. tostring(ok) }
    `, { items: ['a', 'b'] });
    expect(out).toEqual({ ok: true, status: 'Healthy', message: 'a!,b! 9false' });
  });

  it('leaves the global os unset (Argo CD registers its safe os functions for require only)', () => {
    const out = runSnippet(`local t = os.time()\n${done}`);
    expect(out).toEqual({ ok: false, error: expect.stringMatching(/attempt to index a non-table object\(nil\) with key 'time'/) });
  });

  it('blocks string methods such as s:find()', () => {
    const out = runSnippet(`local i = ("abc"):find("b")\n${done}`);
    expect(out).toEqual({ ok: false, error: expect.stringMatching(/attempt to index a non-table object\(string\) with key 'find'/) });
  });

  it.each([
    ['string', 'string.find("abc", "b")', /object\(nil\) with key 'find'/],
    ['math', 'math.floor(1.5)', /object\(nil\) with key 'floor'/],
    ['io', 'io.open("/etc/passwd")', /object\(nil\) with key 'open'/],
    ['debug', 'debug.getinfo(1)', /object\(nil\) with key 'getinfo'/],
    ['coroutine', 'coroutine.create(print)', /object\(nil\) with key 'create'/],
    ['os.execute behind require', 'require("os").execute("true")', /attempt to call a non-function object/],
    ['os.getenv behind require', 'require("os").getenv("HOME")', /attempt to call a non-function object/],
    ['require("string")', 'require("string")', /module string not found/],
    ['escape through loadstring', 'loadstring("return string.find")()("a", "a")', /object\(nil\) with key 'find'/],
  ])('blocks %s', (_name, call, why) => {
    const out = runSnippet(`local x = ${call}\n${done}`);
    expect(out).toEqual({ ok: false, error: expect.stringMatching(why) });
  });

  it('opens every library with useOpenLibs, as Argo CD does for its built-in scripts', () => {
    const out = runSnippet('return { status = "Healthy", message = string.upper("ok") .. math.floor(1.5) .. ("abc"):sub(2) }', {}, { openLibs: true });
    expect(out).toEqual({ ok: true, status: 'Healthy', message: 'OK1bc' });
  });

  it('reports a status Argo CD does not know as Unknown, as Argo CD does', () => {
    expect(runSnippet('return { status = "Fine", message = "x" }')).toEqual({
      ok: true,
      status: 'Unknown',
      message: 'Lua returned an invalid health status',
    });
  });

  it('refuses a result that is not a table, or whose status is not a string', () => {
    expect(runSnippet('return 5')).toEqual({ ok: false, error: 'expect table output from Lua script, not number' });
    expect(runSnippet('return { status = 1 }')).toEqual({ ok: false, error: expect.stringMatching(/cannot unmarshal number/) });
  });

  it('stops a script that runs past Argo CD\'s 1 s limit', () => {
    const started = Date.now();
    const out = runSnippet(`while true do end\n${done}`);
    expect(out).toEqual({ ok: false, error: expect.stringMatching(/context deadline exceeded/) });
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 20_000);

  it('proves the script itself would break if it used string.find, and not with useOpenLibs', () => {
    const broken = readFileSync(healthScript, 'utf8').replace(
      'local meta = obj.metadata or {}',
      'local meta = obj.metadata or {}\nlocal _ = string.find(obj.kind, "Profiles")',
    );
    expect(broken).toContain('string.find');
    const object = parse(readFileSync(join(argocdDir, 'testdata/healthy.yaml'), 'utf8'));
    expect(runSnippet(broken, object).ok).toBe(false);
    expect(runSnippet(broken, object, { openLibs: true })).toMatchObject({ ok: true, status: 'Healthy' });
  });
});
