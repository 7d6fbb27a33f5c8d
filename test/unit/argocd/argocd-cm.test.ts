// The argocd-cm patch is generated from health.lua; this fails when someone edits one without
// regenerating the other (npm run gen:argocd).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ARGOCD_CM_PATCH_PATH,
  HEALTH_KEY,
  HEALTH_KEYS,
  HEALTH_LUA_PATH,
  renderArgoCdConfigMapPatch,
} from '../../../scripts/gen-argocd-cm.ts';

describe('deploy/argocd/argocd-cm-patch.yaml', () => {
  const lua = readFileSync(HEALTH_LUA_PATH, 'utf8');
  const committed = readFileSync(ARGOCD_CM_PATCH_PATH, 'utf8');

  it('is what npm run gen:argocd renders from health.lua', () => {
    expect(committed).toBe(renderArgoCdConfigMapPatch(lua));
  });

  it('carries health.lua byte for byte under the key Argo CD reads (<group>_<Kind>), for every kind', () => {
    expect(HEALTH_KEY).toBe('resource.customizations.health.customerprofiles.gitops.dev_CustomerProfilesIntegration');
    expect(HEALTH_KEYS).toEqual([
      'resource.customizations.health.customerprofiles.gitops.dev_CustomerProfilesDomain',
      'resource.customizations.health.customerprofiles.gitops.dev_CustomerProfilesObjectType',
      HEALTH_KEY,
    ]);
    const cm = parse(committed);
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' } });
    expect(Object.keys(cm.data)).toEqual(HEALTH_KEYS);
    for (const key of HEALTH_KEYS) expect(cm.data[key], key).toBe(lua);
  });

  it('changes when the script changes', () => {
    const edited = lua.replace('Suspended', 'Suspended ');
    expect(edited).not.toBe(lua);
    expect(renderArgoCdConfigMapPatch(edited)).not.toBe(committed);
  });
});
