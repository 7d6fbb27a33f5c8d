// `cpi plan` output, in the style of `terraform plan`: one block per resource with the AWS calls
// and a field-level diff (`~ objectTypeName: "A" -> "B"`, `+ tags.team: "crm"`, `- tags.old`),
// then one summary line. JSON for machines carries the same facts. An integration's block reads
// as it always has; a domain's and an object type's name their kind.
import { INTEGRATION_NAMES, KIND } from '../api/group.ts';
import { KINDS } from '../api/kinds.ts';
import type { FieldChange } from '../reconcile/plan.ts';
import type { ResourcePlan } from './resource-plan.ts';

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? JSON.stringify(v) : v instanceof Date ? JSON.stringify(v.toISOString()) : JSON.stringify(v));

export function changeLine(c: FieldChange, flowCompared?: 'fields' | 'hash'): string {
  const noun = typeof c.to === 'string' ? c.to : 'integration';
  if (c.path === '') return c.kind === 'add' ? `+ create ${noun}` : '- delete integration';
  if (c.path === 'flowDefinition' && flowCompared === 'hash') {
    return `~ flowDefinition: ${show(c.from)} -> ${show(c.to)} (by hash: the last applied definition is unknown${c.from === undefined ? ', nothing recorded as applied' : ''})`;
  }
  if (c.kind === 'add') return `+ ${c.path}: ${show(c.to)}`;
  if (c.kind === 'remove') return `- ${c.path}: ${show(c.from)}`;
  return `~ ${c.path}: ${show(c.from)} -> ${show(c.to)}`;
}

/** What the resource is, for people: "integration", "domain", "object type". */
const nounOf = (p: ResourcePlan) => (p.kind && p.kind !== KIND ? KINDS[p.kind].noun : 'integration');

function heading(p: ResourcePlan): string {
  const id = !p.kind || p.kind === INTEGRATION_NAMES.kind ? `${p.namespace}/${p.name}` : `${p.kind} ${p.namespace}/${p.name}`;
  const where = `(domain ${p.domainName}${p.objectTypeName ? `, object type ${p.objectTypeName}` : ''}${p.uri ? `, ${p.uri}` : ''})`;
  switch (p.action) {
    case 'create': return `# ${id} will be created ${where}: ${p.calls.join(', ')}`;
    case 'update': return `# ${id} will be ${p.reason === 'adopt' ? 'adopted and updated' : 'updated'} ${where}: ${p.calls.join(', ')}`;
    case 'none': return `# ${id} is up to date ${where}`;
    case 'paused': return `# ${id} is paused ${where}: no calls; once unpaused it would change`;
    case 'error': return `# ${id} could not be planned ${where}: ${p.error}`;
    case 'refused': return `# ${id} would be refused ${where}: no calls; Stalled ${p.refusal?.reason}: ${p.refusal?.message}`;
    case 'read-only':
      return p.changes.some((c) => c.path === '')
        ? `# ${id} is Observe (read-only) ${where}: no calls; the ${nounOf(p)} does not exist`
        : p.changes.length
          ? `# ${id} is Observe (read-only) ${where}: no calls; AWS differs from the spec (Ready=False Drifted)`
          : `# ${id} is Observe (read-only) ${where}: no calls; AWS matches`;
  }
}

/** What a resource not in the cluster means, and where one of that name is. */
function notInClusterLine(p: ResourcePlan): string | undefined {
  if (p.statusSource !== 'not-in-cluster') return undefined;
  const base = `! ${p.namespace}/${p.name} is not in the cluster: this is what applying the manifest would do, judged from AWS and the manifest alone`;
  const parts = [base];
  if (p.inOtherNamespaces?.length) parts.push(`a resource named ${p.name} is in namespace ${p.inOtherNamespaces.join(', ')}: to plan against it, pass -n ${p.inOtherNamespaces[0]}`);
  if (p.claimedBy) parts.push(`${p.claimedBy} already manages this ${nounOf(p)}, so this one would be Stalled with a Conflict and write nothing`);
  return parts.join('; ');
}

/** The resources of the plan it waits for (not in AWS yet), and what the controller does meanwhile. */
function afterLine(p: ResourcePlan): string | undefined {
  if (!p.after?.length) return undefined;
  return `^ after ${p.after.join(', ')}: not in AWS yet, so nothing is read or sent for this ${nounOf(p)} until ${p.after.length === 1 ? 'it exists' : 'they exist'}`;
}

export interface PlanSummary {
  create: number;
  update: number;
  unchanged: number;
  readOnly: number;
  paused: number;
  /** The controller would write nothing and stall (AlreadyExists, TargetChanged). */
  refused?: number;
  errors: number;
  /** Planned as if applied now: the cluster has no such resource. */
  notInCluster?: number;
}

export function summarize(plans: ResourcePlan[]): PlanSummary {
  const n = (a: ResourcePlan['action']) => plans.filter((p) => p.action === a).length;
  return {
    create: n('create'), update: n('update'), unchanged: n('none'), readOnly: n('read-only'), paused: n('paused'), refused: n('refused'), errors: n('error'),
    notInCluster: plans.filter((p) => p.statusSource === 'not-in-cluster').length,
  };
}

export function summaryLine(s: PlanSummary): string {
  const extra = [
    s.readOnly && `${s.readOnly} read-only`, s.paused && `${s.paused} paused`, s.refused && `${s.refused} refused`, s.errors && `${s.errors} failed`,
    s.notInCluster && `${s.notInCluster} not in the cluster yet`,
  ].filter(Boolean).join(', ');
  if (s.errors) {
    return `Error: ${s.errors} resource${s.errors === 1 ? '' : 's'} could not be planned; the plan is incomplete (${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged${extra ? `, ${extra}` : ''}).`;
  }
  if (s.refused) {
    return `Refused: ${s.refused} resource${s.refused === 1 ? '' : 's'} would be Stalled and write nothing (${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged${extra ? `, ${extra}` : ''}).`;
  }
  if (s.create + s.update === 0) {
    return `No changes. AWS matches the manifests (${s.unchanged} up to date${extra ? `, ${extra}` : ''}).`;
  }
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged${extra ? `, ${extra}` : ''}.`;
}

export function renderText(plans: ResourcePlan[]): string[] {
  const lines: string[] = [];
  for (const p of plans) {
    lines.push(heading(p));
    const missing = notInClusterLine(p);
    if (missing) lines.push(`  ${missing}`);
    const waits = afterLine(p);
    if (waits) lines.push(`  ${waits}`);
    const missingReadOnly = p.action === 'read-only' && p.changes.some((c) => c.path === ''); // Observe never creates: nothing to list
    if (p.action !== 'none' && p.action !== 'error' && p.action !== 'refused' && !missingReadOnly) for (const c of p.changes) lines.push(`  ${changeLine(c, p.flowCompared)}`);
    lines.push('');
  }
  lines.push(summaryLine(summarize(plans)));
  return lines;
}

export function renderJson(plans: ResourcePlan[]): string {
  const summary = summarize(plans);
  return JSON.stringify({ changes: summary.create + summary.update > 0, summary, resources: plans }, null, 2);
}
