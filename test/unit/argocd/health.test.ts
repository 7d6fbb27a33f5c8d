// Runs deploy/argocd/health.lua with a real Lua 5.1 (Debian's lua5.1) inside a wrapper that exposes
// only what Argo CD exposes to argocd-cm health scripts, on the cases of deploy/argocd/health_test.yaml.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as statuses from '../../../src/reconcile/status.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const argocdDir = join(root, 'deploy/argocd');
const healthScript = join(argocdDir, 'health.lua');
const sandbox = fileURLToPath(new URL('./argo-sandbox.lua', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cpi-argocd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function lua(): string {
  try {
    execFileSync('lua5.1', ['-v'], { stdio: 'ignore' });
    return 'lua5.1';
  } catch {
    throw new Error('lua5.1 is not installed: apt-get install lua5.1 (.ci/run installs it)');
  }
}

// A JSON-like value as a Lua 5.1 literal, decoded the way Argo CD's decodeValue does:
// numbers, strings, booleans, arrays as 1-based tables, objects as tables, null as nil.
function toLua(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot encode ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') {
    let out = '"';
    for (const byte of Buffer.from(value, 'utf8')) {
      const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
      out += printable ? String.fromCharCode(byte) : `\\${byte}`;
    }
    return `${out}"`;
  }
  if (Array.isArray(value)) return `{${value.map(toLua).join(', ')}}`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `[${toLua(k)}] = ${toLua(v)}`);
    return `{${fields.join(', ')}}`;
  }
  throw new Error(`cannot encode a ${typeof value}`);
}

type Outcome = { ok: true; status: string; message: string } | { ok: false; error: string };

let counter = 0;
function runHealth(scriptPath: string, object: unknown): Outcome {
  const objectPath = join(work, `object-${++counter}.lua`);
  writeFileSync(objectPath, `return ${toLua(object)}\n`);
  const res = spawnSync(lua(), [sandbox, scriptPath, objectPath], { encoding: 'utf8', timeout: 10_000 });
  if (res.error) throw res.error;
  const [head, ...rest] = res.stdout.split('\n');
  if (head === 'OK') {
    expect(res.status).toBe(0);
    return { ok: true, status: rest[0]!, message: rest.slice(1).join('\n') };
  }
  if (head === 'ERROR') return { ok: false, error: rest.join('\n') };
  throw new Error(`sandbox crashed (exit ${res.status}): ${res.stdout}${res.stderr}`);
}

function runSnippet(source: string, object: unknown = {}): Outcome {
  const path = join(work, `snippet-${++counter}.lua`);
  writeFileSync(path, source);
  return runHealth(path, object);
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

describe('the sandbox wrapper exposes only what Argo CD does', () => {
  const done = 'return { status = "Healthy", message = "ran" }';

  it('runs base, table and os.time/os.date', () => {
    const out = runSnippet(`
      local t = {}
      for i, c in ipairs(obj.items) do table.insert(t, c .. "!") end
      assert(os.time() > 0 and type(os.date("!%Y")) == "string")
      assert(require("table") == table and require("os") == os)
      local ok = pcall(error, "x")
      return { status = "Healthy", message = table.concat(t, ",") .. " " .. tostring(tonumber("7") + #t) .. tostring(ok) }
    `, { items: ['a', 'b'] });
    expect(out).toEqual({ ok: true, status: 'Healthy', message: 'a!,b! 9false' });
  });

  it('blocks the string library', () => {
    const out = runSnippet(`local i = string.find("abc", "b")\n${done}`);
    expect(out.ok).toBe(false);
    expect(out.ok ? '' : out.error).toMatch(/attempt to index global 'string' \(a nil value\)/);
  });

  it('blocks string methods such as s:find()', () => {
    const out = runSnippet(`local i = ("abc"):find("b")\n${done}`);
    expect(out.ok).toBe(false);
    expect(out.ok ? '' : out.error).toMatch(/attempt to index a string value/);
  });

  it.each([
    ['math', 'math.floor(1.5)', /global 'math' \(a nil value\)/],
    ['io', 'io.open("/etc/passwd")', /global 'io' \(a nil value\)/],
    ['os.getenv', 'os.getenv("HOME")', /field 'getenv' \(a nil value\)/],
    ['os.execute', 'os.execute("true")', /field 'execute' \(a nil value\)/],
    ['debug', 'debug.getinfo(1)', /global 'debug' \(a nil value\)/],
    ['coroutine', 'coroutine.create(print)', /global 'coroutine' \(a nil value\)/],
    ['require("string")', 'require("string")', /module string not found/],
    ['escape through loadstring', 'loadstring("return string.find")()("a", "a")', /global 'string' \(a nil value\)/],
  ])('blocks %s', (_name, call, why) => {
    const out = runSnippet(`local x = ${call}\n${done}`);
    expect(out).toEqual({ ok: false, error: expect.stringMatching(why) });
  });

  it('reports a status Argo CD does not know as Unknown, as Argo CD does', () => {
    expect(runSnippet('return { status = "Fine", message = "x" }')).toEqual({
      ok: true,
      status: 'Unknown',
      message: 'Lua returned an invalid health status',
    });
  });

  it('stops a script that runs past Argo CD\'s 1 s limit', () => {
    const out = runSnippet(`while true do end\n${done}`);
    expect(out).toEqual({ ok: false, error: expect.stringMatching(/timed out after 1 s/) });
  }, 20_000);

  it('proves the script itself would break if it used string.find', () => {
    const broken = readFileSync(healthScript, 'utf8').replace(
      'local meta = obj.metadata or {}',
      'local meta = obj.metadata or {}\nlocal _ = string.find(obj.kind, "Profiles")',
    );
    expect(broken).toContain('string.find');
    const object = parse(readFileSync(join(argocdDir, 'testdata/healthy.yaml'), 'utf8'));
    expect(runSnippet(broken, object).ok).toBe(false);
  });
});
