// Credentials per namespace (issue 7 §4): a Namespace annotated with an IAM role makes the
// controller assume that role (STS AssumeRole against the emulator) for the resources in it, as
// ACK's cross-account management does. Multi-region works per resource (spec.region).
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNamespace, privateControlPlane, type PrivateControlPlane } from './support/index.ts';
import { loadKubeConfig } from '../../src/dev/cluster-setup.ts';
import { startController, startEmulator, type Emulator, type Proc } from './harness/processes.ts';
import { Resources } from './harness/resources.ts';

const OTHER_ACCOUNT = '210987654321';
const ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/customer-profiles-operator`;
const URI = 'arn:aws:connect:us-east-1:210987654321:instance/20000000-0000-0000-0000-000000000001';

describe('per-namespace credentials and per-resource regions', () => {
  let emulator: Emulator;
  let controller: Proc;
  let crossAccount: Resources;
  let home: Resources;
  let cluster: PrivateControlPlane;

  beforeAll(async () => {
    // This controller watches every namespace, so it gets a control plane of its own: in the
    // shared one it would reconcile other test files' resources against its emulator.
    cluster = await privateControlPlane();
    const admin = loadKubeConfig(cluster.adminKubeconfig);
    const core = admin.makeApiClient(k8s.CoreV1Api);
    const nsCross = await freshNamespace('cred-x', admin);
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    await core.patchNamespace({ name: nsCross, body: { metadata: { annotations: { 'customerprofiles.gitops.dev/role-arn': ROLE } } } }, merge);
    const nsHome = await freshNamespace('cred-h', admin);
    crossAccount = new Resources(nsCross, admin);
    home = new Resources(nsHome, admin);
    emulator = await startEmulator();
    await emulator.admin.createDomain('retail', 'us-east-1', OTHER_ACCOUNT);
    await emulator.admin.createDomain('retail', 'eu-west-2');
    controller = await startController({ kubeconfig: cluster.controllerKubeconfig, emulator });
  });
  afterAll(async () => {
    await controller?.stop();
    await emulator?.stop();
    await cluster?.stop();
  });

  it('assumes the role named on the namespace and writes in that account', async () => {
    await crossAccount.create('x', { domainName: 'retail', uri: URI, objectTypeName: 'CTR', tags: { team: 'crm' } });
    const obj = await crossAccount.waitReady('x');
    expect(obj.status!.integrationArn).toBe(`arn:aws:profile:us-east-1:${OTHER_ACCOUNT}:domains/retail/integrations/${URI}`);
    const log = await emulator.admin.requests();
    expect(log.some((r) => r.operation === 'AssumeRole' && r.status === 200)).toBe(true);
    const put = log.find((r) => r.operation === 'PutIntegration');
    expect(put?.account).toBe(OTHER_ACCOUNT);
    expect(put?.accessKeyId).not.toBe('AKIDCONTROLLER'); // the assumed session's keys, not the pod's
  });

  it('writes a resource with spec.region in that region', async () => {
    await home.create('eu', { domainName: 'retail', uri: URI.replace('210987654321', '123456789012'), objectTypeName: 'CTR', region: 'eu-west-2' });
    const obj = await home.waitReady('eu');
    expect(obj.status!.region).toBe('eu-west-2');
    expect(obj.status!.integrationArn).toMatch(/^arn:aws:profile:eu-west-2:123456789012:domains\/retail\//);
    const put = (await emulator.admin.requests()).filter((r) => r.operation === 'PutIntegration').at(-1);
    expect(put?.region).toBe('eu-west-2');
  });

  it('never prints a credential in its logs', () => {
    const text = controller.output.join('\n');
    expect(text).not.toContain('controller-secret');
    const sessions = text.match(/ASIA[A-Z0-9]{12,}/g) ?? [];
    expect(sessions).toEqual([]);
  });
});
