// Prepares any cluster (our local control plane or an existing one such as kind) for the operator:
// installs crds/, applies the controller's ServiceAccount and RBAC from deploy/, and mints a
// kubeconfig for that ServiceAccount through the TokenRequest API. The e2e tests and `cpi demo` run
// the controller with it, so they exercise exactly the permissions deploy/ grants, never admin.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import { loadKubeConfig } from '../kube/kubeconfig.ts';

export const CONTROLLER_NAMESPACE = 'cpi-system';
export const CONTROLLER_SERVICE_ACCOUNT = 'cpi-controller';
/** The manifests that define the controller's identity and permissions. */
export const CONTROLLER_RBAC_FILES = ['deploy/base/serviceaccount.yaml', 'deploy/base/rbac.yaml'];

const FIELD_MANAGER = 'cpi-dev-setup';

/** The repository (or installed package) root: src/dev and dist/dev are two levels below it. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

export { loadKubeConfig };

/** Every non-empty YAML document of the files, in order. */
export function readManifests(paths: string[]): k8s.KubernetesObject[] {
  return paths.flatMap((path) =>
    parseAllDocuments(readFileSync(path, 'utf8'))
      .map((d) => d.toJS() as k8s.KubernetesObject | null)
      .filter((d): d is k8s.KubernetesObject => !!d && typeof d === 'object'),
  );
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A non-2xx answer of the API server to a raw request. */
export class HttpStatusError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(`HTTP ${code}: ${message}`);
    this.name = 'HttpStatusError';
    this.code = code;
  }
}

/** Transient while an API server starts or a CRD's storage initialises: 429, 5xx, refused connections. */
function isTransient(err: unknown): boolean {
  if (err instanceof k8s.ApiException || err instanceof HttpStatusError) return err.code === 429 || err.code >= 500;
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.cause?.code ?? e?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

/** Runs `fn` until it succeeds, retrying transient errors until the deadline. */
export async function retryTransient<T>(what: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || Date.now() + delay > deadline) {
        throw new Error(`${what}: ${describeError(err)}`, { cause: err });
      }
      await sleep(delay);
    }
  }
}

export function describeError(err: unknown): string {
  if (err instanceof k8s.ApiException) {
    try {
      const body = JSON.parse(String(err.body)) as { message?: string };
      if (body.message) return `HTTP ${err.code}: ${body.message}`;
    } catch {
      // not JSON
    }
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

// Raw requests, not client-node's typed clients: those serialise through generated models, which
// silently DROP schema keys they spell differently (`enum` is `_enum`, `default` is `_default`,
// `x-kubernetes-validations` is `xKubernetesValidations`), so a CRD applied with
// KubernetesObjectApi loses its enums, defaults and CEL rules without any error.
async function rawRequest(kc: k8s.KubeConfig, method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const opts: https.RequestOptions = { method, headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  opts.headers = { ...opts.headers, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType ?? 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https.request : http.request)(url, { ...opts, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON; keep the text
        }
        if (status >= 200 && status < 300) resolve(parsed);
        else reject(new HttpStatusError(status, (parsed as { message?: string })?.message ?? text.slice(0, 500)));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

interface ResourceInfo {
  name: string;
  namespaced: boolean;
}

/** Discovery: the plural name of a kind and whether it is namespaced. */
async function resourceFor(kc: k8s.KubeConfig, apiVersion: string, kind: string, cache: Map<string, ResourceInfo[]>): Promise<ResourceInfo & { base: string }> {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  let list = cache.get(base);
  if (!list) {
    const doc = (await retryTransient(`discover ${apiVersion}`, () => rawRequest(kc, 'GET', base))) as { resources: (ResourceInfo & { kind: string })[] };
    list = doc.resources.filter((r) => !r.name.includes('/')).map((r) => ({ ...r }));
    cache.set(base, list);
  }
  const found = (list as (ResourceInfo & { kind: string })[]).find((r) => r.kind === kind);
  if (!found) throw new Error(`the API server does not serve ${kind} in ${apiVersion}`);
  return { base, name: found.name, namespaced: found.namespaced };
}

/** Server-side applies the objects in order (idempotent; a second run changes nothing). */
export async function applyObjects(kc: k8s.KubeConfig, objects: k8s.KubernetesObject[]): Promise<void> {
  const cache = new Map<string, ResourceInfo[]>();
  for (const obj of objects) {
    const name = obj.metadata?.name;
    if (!obj.apiVersion || !obj.kind || !name) throw new Error(`cannot apply an object without apiVersion, kind and metadata.name: ${JSON.stringify(obj).slice(0, 200)}`);
    const r = await resourceFor(kc, obj.apiVersion, obj.kind, cache);
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(obj.metadata?.namespace ?? 'default')}` : '';
    const path = `${r.base}${ns}/${r.name}/${encodeURIComponent(name)}?fieldManager=${FIELD_MANAGER}&force=true`;
    await retryTransient(`apply ${obj.kind}/${name}`, () => rawRequest(kc, 'PATCH', path, obj, 'application/apply-patch+yaml'));
  }
}

type Crd = k8s.V1CustomResourceDefinition;

/**
 * Applies every CRD in `crdDir` and waits until each is Established and a list of its resources
 * succeeds: right after creation the first list can get 429 "storage is (re)initializing".
 */
export async function installCrds(kc: k8s.KubeConfig, crdDir = join(repoRoot(), 'crds'), timeoutMs = 60_000): Promise<string[]> {
  const files = readdirSync(crdDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(crdDir, f));
  const crds = readManifests(files).filter((o) => o.kind === 'CustomResourceDefinition') as Crd[];
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition found in ${crdDir}`);
  await applyObjects(kc, crds);

  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const name = crd.metadata!.name!;
    for (;;) {
      const live = await retryTransient(`read CRD ${name}`, () => ext.readCustomResourceDefinition({ name }));
      const conds = live.status?.conditions ?? [];
      const rejected = conds.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
      if (rejected) throw new Error(`CRD ${name}: names not accepted: ${rejected.message}`);
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after ${timeoutMs / 1000} s: ${JSON.stringify(conds)}`);
      await sleep(100);
    }
    const version = crd.spec.versions.find((v) => v.served)?.name;
    if (!version) continue;
    await retryTransient(
      `list ${crd.spec.names.plural}`,
      () => custom.listClusterCustomObject({ group: crd.spec.group, version, plural: crd.spec.names.plural, limit: 1 }),
      Math.max(1000, deadline - Date.now()),
    );
  }
  return crds.map((c) => c.metadata!.name!);
}

/** Applies the controller's Namespace, ServiceAccount and RBAC from deploy/. */
export async function installControllerRbac(kc: k8s.KubeConfig, root = repoRoot()): Promise<void> {
  await applyObjects(kc, readManifests(CONTROLLER_RBAC_FILES.map((f) => join(root, f))));
}

export interface ServiceAccountKubeconfigOptions {
  namespace?: string;
  serviceAccount?: string;
  /** Token lifetime; default 24 h (a test run or demo never outlives it). */
  expirationSeconds?: number;
  /** Default namespace of the context. */
  contextNamespace?: string;
}

/**
 * Returns kubeconfig YAML that authenticates as the ServiceAccount with a TokenRequest token, for
 * the same server and CA as `kc` (the admin config).
 */
export async function serviceAccountKubeconfig(kc: k8s.KubeConfig, opts: ServiceAccountKubeconfigOptions = {}): Promise<string> {
  const namespace = opts.namespace ?? CONTROLLER_NAMESPACE;
  const name = opts.serviceAccount ?? CONTROLLER_SERVICE_ACCOUNT;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const tr = await retryTransient(`TokenRequest for ${namespace}/${name}`, () =>
    core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: opts.expirationSeconds ?? 86_400 } },
    }),
  );
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const caData = cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
  const user = `${namespace}:${name}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: {
      server: cluster.server,
      ...(caData ? { 'certificate-authority-data': caData } : {}),
      ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: cluster.name, user, namespace: opts.contextNamespace ?? namespace } }],
    'current-context': user,
  });
}

export interface PreparedCluster {
  crds: string[];
  /** Kubeconfig of the controller's ServiceAccount (written to the path given). */
  controllerKubeconfigPath: string;
}

/** installCrds + installControllerRbac + a controller kubeconfig written to `controllerKubeconfigPath`. */
export async function prepareCluster(
  adminKubeconfigPath: string,
  controllerKubeconfigPath: string,
  root = repoRoot(),
): Promise<PreparedCluster> {
  const kc = loadKubeConfig(adminKubeconfigPath);
  const crds = await installCrds(kc, join(root, 'crds'));
  await installControllerRbac(kc, root);
  writeFileSync(controllerKubeconfigPath, await serviceAccountKubeconfig(kc), { mode: 0o600 });
  return { crds, controllerKubeconfigPath };
}
