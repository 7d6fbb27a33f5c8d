// The informer's transform keeps only what the controller reads; the rest of each cached object
// (managedFields, kubectl's last-applied-configuration, labels, foreign annotations) is dropped.
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { keepOnly } from '../../../src/runtime/informer.ts';

const applied = (spec: object) => ({ 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec }) });

function resource(): k8s.KubernetesObject & { spec: object; status: object; extra?: unknown } {
  const spec = { domainName: 'retail', uri: 'arn:aws:connect:us-east-1:1:instance/x', objectTypeName: 'CTR' };
  return {
    apiVersion: 'customerprofiles.gitops.dev/v1alpha1',
    kind: 'CustomerProfilesIntegration',
    metadata: {
      name: 'a', namespace: 'ns', uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: new Date(0),
      finalizers: ['customerprofiles.gitops.dev/finalizer'], labels: { team: 'x' },
      annotations: { ...applied(spec), 'customerprofiles.gitops.dev/paused': 'true', 'argocd.argoproj.io/tracking-id': 'app:x' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'o-1' }],
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
    },
    spec,
    status: { observedGeneration: 3 },
    extra: { big: 'x'.repeat(1000) },
  };
}

describe('keepOnly', () => {
  const transform = keepOnly({ metadata: ['uid', 'generation', 'finalizers'], annotationPrefix: 'customerprofiles.gitops.dev/', topLevel: ['spec', 'status'] });

  it('keeps the listed metadata, our annotations, spec and status, and nothing else', () => {
    const obj = resource();
    const { spec, status } = obj;
    transform(obj);
    expect(obj.metadata).toEqual({
      name: 'a', namespace: 'ns', resourceVersion: '42', uid: 'u-1', generation: 3, finalizers: ['customerprofiles.gitops.dev/finalizer'],
      annotations: { 'customerprofiles.gitops.dev/paused': 'true' },
    });
    expect(obj.spec).toBe(spec);
    expect(obj.status).toBe(status);
    expect(obj.extra).toBeUndefined();
    expect(obj.apiVersion).toBe('customerprofiles.gitops.dev/v1alpha1');
    // What is left serializes to a fraction of the object as listed.
    expect(JSON.stringify(obj).length).toBeLessThan(JSON.stringify(resource()).length / 3);
  });

  it('leaves no annotations member when none of ours is there', () => {
    const obj = resource();
    obj.metadata!.annotations = applied({});
    transform(obj);
    expect(obj.metadata).not.toHaveProperty('annotations');
  });

  it('keeps a Namespace to its name and our annotations', () => {
    const ns: k8s.V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', resourceVersion: '7', labels: { 'kubernetes.io/metadata.name': 'team-a' }, annotations: { 'customerprofiles.gitops.dev/role-arn': 'arn:aws:iam::1:role/r', other: 'x' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    keepOnly({ metadata: [], annotationPrefix: 'customerprofiles.gitops.dev/', topLevel: [] })(ns);
    expect(ns.metadata).toEqual({ name: 'team-a', resourceVersion: '7', annotations: { 'customerprofiles.gitops.dev/role-arn': 'arn:aws:iam::1:role/r' } });
    expect(ns.spec).toBeUndefined();
    expect(ns.status).toBeUndefined();
  });
});
