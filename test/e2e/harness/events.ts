// Events about one CustomerProfilesIntegration, read as a user would: the events.k8s.io/v1 API
// (admin kubeconfig) or `kubectl events --for`.
import * as k8s from '@kubernetes/client-node';
import { KIND } from '../../../src/api/group.ts';
import { adminKubeConfig } from '../support/cluster.ts';
import { kubectlOk } from '../support/kubectl.ts';

export interface SeenEvent {
  type: string;
  reason: string;
  action?: string | undefined;
  note: string;
  count: number;
  reportingController?: string | undefined;
}

/** Events regarding the named resource, oldest first (series counts included). */
export async function eventsFor(namespace: string, name: string, kc: k8s.KubeConfig = adminKubeConfig()): Promise<SeenEvent[]> {
  const api = kc.makeApiClient(k8s.EventsV1Api);
  const list = await api.listNamespacedEvent({ namespace });
  return list.items
    .filter((e) => e.regarding?.kind === KIND && e.regarding?.name === name)
    .sort((a, b) => String(a.eventTime ?? '').localeCompare(String(b.eventTime ?? '')))
    .map((e) => ({
      type: e.type ?? '',
      reason: e.reason ?? '',
      action: e.action,
      note: e.note ?? '',
      count: e.series?.count ?? 1,
      reportingController: e.reportingController,
    }));
}

/** `kubectl events --for customerprofilesintegration/NAME -o json`: the items kubectl shows. */
export async function kubectlEventsFor(namespace: string, name: string): Promise<Array<{ type: string; reason: string; message: string }>> {
  const out = await kubectlOk(['events', '-n', namespace, '--for', `customerprofilesintegration/${name}`, '-o', 'json']);
  const list = JSON.parse(out) as { items: Array<{ type?: string; reason?: string; message?: string; note?: string }> };
  return list.items.map((e) => ({ type: e.type ?? '', reason: e.reason ?? '', message: e.message ?? e.note ?? '' }));
}
