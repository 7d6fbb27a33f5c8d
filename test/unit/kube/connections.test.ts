import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { reuseConnections } from '../../../src/kube/connections.ts';

function kubeConfig(cert = 'CERT-A'): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: Buffer.from('CA').toString('base64') }],
    users: [{ name: 'u', certData: Buffer.from(cert).toString('base64'), keyData: Buffer.from('KEY').toString('base64') }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

async function dispatcherOf(kc: k8s.KubeConfig): Promise<unknown> {
  const ctx = new k8s.RequestContext('https://127.0.0.1:6443/api', k8s.HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getDispatcher();
}

describe('reuseConnections', () => {
  it('client-node alone builds a new dispatcher per request (the reason this exists)', async () => {
    const kc = kubeConfig();
    expect(await dispatcherOf(kc)).not.toBe(await dispatcherOf(kc));
  });

  it('hands every request of one identity the same dispatcher', async () => {
    const kc = reuseConnections(kubeConfig());
    const first = await dispatcherOf(kc);
    expect(first).toBeDefined();
    expect(await dispatcherOf(kc)).toBe(first);
  });

  it('uses a new dispatcher when the client certificate changes', async () => {
    const kc = reuseConnections(kubeConfig('CERT-A'));
    const before = await dispatcherOf(kc);
    (kc.getCurrentUser() as { certData?: string }).certData = Buffer.from('CERT-B').toString('base64');
    expect(await dispatcherOf(kc)).not.toBe(before);
  });
});
