// The demo's live table of resources: a pure function of the objects, so it is easy to test.
import type { CustomerProfilesIntegration } from '../api/types.ts';

const cond = (o: CustomerProfilesIntegration, type: string) => o.status?.conditions?.find((c) => c.type === type);

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

export function renderTable(objs: readonly CustomerProfilesIntegration[]): string {
  const rows = [...objs]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((o) => {
      const ready = cond(o, 'Ready');
      const synced = cond(o, 'Synced');
      const current = ready?.observedGeneration === o.metadata.generation;
      return [
        o.metadata.name,
        o.spec.domainName,
        o.spec.managementPolicy ?? 'Manage',
        shorten(o.status?.uri ?? o.spec.uri ?? '-', 48),
        ready ? `${ready.status}${current ? '' : '*'}` : '-',
        synced?.status ?? '-',
        (ready?.status === 'True' || !synced || synced.status === 'True' ? ready?.reason : synced.reason) ?? 'Pending',
      ];
    });
  const header = ['NAME', 'DOMAIN', 'POLICY', 'URI', 'READY', 'SYNCED', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function allReady(objs: readonly CustomerProfilesIntegration[]): boolean {
  return objs.length > 0 && objs.every((o) => {
    const r = cond(o, 'Ready');
    return r?.status === 'True' && r.observedGeneration === o.metadata.generation;
  });
}
