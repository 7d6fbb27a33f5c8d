// Connection reuse for client-node. KubeConfig builds a new undici Agent for every request and
// every watch (docs/design.md#why-one-connection-pool-per-endpoint-and-identity): each status write then pays a TLS handshake, and a burst
// of writes leaves thousands of agents and TLS contexts behind; RSS grows by hundreds of MB and
// never comes back. Here one dispatcher serves each (cluster, user, TLS material): the token is
// still read per request (it is a header, not part of the dispatcher), and rotated client
// certificates still take effect because the key includes them.
import type * as k8s from '@kubernetes/client-node';
import { createHash } from 'node:crypto';

type CreateDispatcher = (cluster: k8s.Cluster | null, agentOptions: Record<string, unknown>) => unknown;

const material = (v: unknown) => (v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('base64') : String(v));

/** Makes every client made from `kc` share one dispatcher per endpoint and identity. Returns kc. */
export function reuseConnections<T extends k8s.KubeConfig>(kc: T): T {
  const target = kc as unknown as { createDispatcher: CreateDispatcher };
  const create = target.createDispatcher.bind(kc);
  const pool = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    const tls = createHash('sha256');
    for (const k of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername']) tls.update(`${k}=${material(agentOptions[k])};`);
    const key = `${cluster?.server ?? ''}|${kc.getCurrentUser()?.name ?? ''}|${tls.digest('hex')}`;
    if (!pool.has(key)) pool.set(key, create(cluster, agentOptions));
    return pool.get(key);
  };
  return kc;
}
