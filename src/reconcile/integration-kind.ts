// CustomerProfilesIntegration as a managed kind: how an integration is read, planned, written and
// deleted. The sequence around these (ownership, pinned target, conditions) is managed.ts's.
import type { CustomerProfilesIntegration, IntegrationStatus } from '../api/types.ts';
import { conversionProblem } from '../api/convert.ts';
import { flowDefinitionHash } from '../api/hash.ts';
import { uriRegionWarning } from '../api/uri-region.ts';
import { flowNameOfUri, integrationArn } from '../aws/arn.ts';
import { AwsFailure } from '../aws/errors.ts';
import type { AwsTarget, IntegrationGateway, ObservedIntegration } from '../aws/types.ts';
import { Reason } from './conditions.ts';
import type { ActIo, ManagedKind, ObserveContext, Placement, PlanSummary, Refusal } from './kind.ts';
import { observeIntegration } from './observe.ts';
import { decideOwnership } from './ownership.ts';
import { observeDrift, planIntegration, planIsEmpty, readableChanges, statusForPlan, tagChanges, type Plan } from './plan.ts';
import type { DomainSnapshots } from './snapshots.ts';
import { describeChanges, integrationFields } from './status.ts';
import { pinnedTarget, targetChange } from './target.ts';

const FLOW_EXISTS = /flow with name .* already exists/i;

/** The calls a plan makes, in order: Put first (it may create the integration the tags belong to), then tags. */
export function integrationCalls(plan: Plan): string[] {
  return [plan.put && 'PutIntegration', plan.tag && 'TagResource', plan.untag && 'UntagResource'].filter((c): c is string => !!c);
}

export class IntegrationKind implements ManagedKind<CustomerProfilesIntegration, ObservedIntegration, Plan> {
  readonly kind = 'CustomerProfilesIntegration';
  readonly noun = 'integration';
  readonly defaultDeletionPolicy = 'Delete' as const;
  readonly deleteOperation = 'DeleteIntegration';
  private readonly gateway: IntegrationGateway;
  private readonly snapshots: DomainSnapshots | undefined;

  constructor(gateway: IntegrationGateway, snapshots?: DomainSnapshots) {
    this.gateway = gateway;
    this.snapshots = snapshots;
  }

  describe(obj: CustomerProfilesIntegration, observed?: ObservedIntegration): string {
    const spec = obj.spec;
    return `integration ${observed?.uri || obj.status?.uri || spec.uri || spec.flowDefinition?.flowName} in domain ${spec.domainName}`;
  }

  specProblem(obj: CustomerProfilesIntegration): string | undefined {
    return conversionProblem(obj.spec)?.message;
  }

  specWarnings(obj: CustomerProfilesIntegration, defaultRegion: string) {
    const mismatch = uriRegionWarning(obj.spec, defaultRegion);
    return mismatch ? [{ reason: 'UriRegionMismatch', message: `${mismatch.path}: ${mismatch.message}` }] : [];
  }

  pinned = (status: IntegrationStatus | undefined) => pinnedTarget(status);
  targetChange = (pinned: Parameters<typeof targetChange>[0], now: Parameters<typeof targetChange>[1], obj: CustomerProfilesIntegration) => targetChange(pinned, now, obj.spec);

  observe(obj: CustomerProfilesIntegration, target: AwsTarget, o: ObserveContext): Promise<ObservedIntegration | undefined> {
    return observeIntegration(target, obj.spec, obj.status, { gateway: this.gateway, snapshots: this.snapshots, ...o });
  }

  ownership = decideOwnership;

  plan(obj: CustomerProfilesIntegration, observed: ObservedIntegration | undefined, ownerTags: Record<string, string>, now: Date): Plan {
    return planIntegration({ spec: obj.spec, observed, status: obj.status, ownerTags, now });
  }

  summarize(plan: Plan): PlanSummary {
    return { calls: integrationCalls(plan), reason: plan.put?.reason, changes: plan.changes };
  }

  drift(obj: CustomerProfilesIntegration, observed: ObservedIntegration) {
    return observeDrift(obj.spec, observed);
  }

  /** cpi import's recorded flow hash stands for what AWS has, on first claim. */
  planStatus(obj: CustomerProfilesIntegration): CustomerProfilesIntegration {
    const status = statusForPlan(obj);
    return status === obj.status ? obj : { ...obj, status };
  }

  async apply(obj: CustomerProfilesIntegration, plan: Plan, observed: ObservedIntegration | undefined, io: ActIo): Promise<ObservedIntegration> {
    const { target, prio, account, log } = io;
    const spec = obj.spec;
    let current = observed;
    if (plan.put) {
      current = await this.gateway.putIntegration(target, plan.put.request, prio);
      const verb = { create: 'Created', adopt: 'Adopted', update: 'Updated', drift: 'Updated' }[plan.put.reason];
      const why = plan.put.reason === 'drift' ? 'corrected an out-of-band change' : describeChanges(plan.changes);
      io.event('Normal', verb, 'PutIntegration', `${verb} integration ${current.uri} in ${spec.domainName}: ${why}`);
      log.info({ uri: current.uri, account, reason: plan.put.reason, outcome: 'ok' }, 'PutIntegration');
    }
    if (plan.tag || plan.untag) {
      const arn = integrationArn(target.region, account, spec.domainName, current!.uri);
      if (plan.tag) await this.gateway.tagResource(target, arn, plan.tag, prio);
      if (plan.untag) await this.gateway.untagResource(target, arn, plan.untag, prio);
      const note = [plan.tag && `set ${Object.keys(plan.tag).join(', ')}`, plan.untag && `removed ${plan.untag.join(', ')}`].filter(Boolean).join('; ');
      io.event('Normal', 'Tagged', 'TagResource', `Tags of ${current!.uri}: ${note}`);
      log.info({ uri: current!.uri, account, tagged: plan.tag ? Object.keys(plan.tag) : [], untagged: plan.untag ?? [], outcome: 'ok' }, 'TagResource');
      // Tag calls may move LastUpdatedAt; read it back so our own change never looks out-of-band.
      current = (await this.gateway.getIntegration(target, spec.domainName, current!.uri, prio)) ?? current;
    }
    return current!;
  }

  /** AWS refusing a flow by name: an existing flow cannot be re-sent, or a new one's name is taken. */
  refusal(err: unknown, obj: CustomerProfilesIntegration, plan: Plan): Refusal | undefined {
    const flowName = obj.spec.flowDefinition?.flowName;
    if (!(err instanceof AwsFailure) || err.kind !== 'InvalidSpec' || !plan.put?.request.FlowDefinition || !FLOW_EXISTS.test(err.message)) return undefined;
    if (plan.put.reason === 'create') {
      return {
        reason: Reason.AlreadyExists,
        message:
          `${err.message} An AppFlow flow named ${flowName} exists without an integration (left behind by a deleted integration, or made elsewhere): ` +
          `delete it in AppFlow (aws appflow delete-flow --flow-name ${flowName}) if it is not needed, or choose another flowDefinition.flowName`,
      };
    }
    return {
      reason: Reason.FlowImmutable,
      message:
        `${err.message} AWS does not take a changed flowDefinition for the existing flow ${flowName} through PutIntegration. ` +
        'To apply it, recreate the integration: set deletionPolicy: Delete, delete this resource (its integration and flow go) and apply it again; ' +
        'or revert spec.flowDefinition to status.appliedFlowDefinition. Other fields keep converging once the flow is back as applied',
    };
  }

  unconverged(obj: CustomerProfilesIntegration, plan: Plan, result: ObservedIntegration) {
    return [...readableChanges(obj.spec, result), ...(plan.tag || plan.untag ? tagChanges(obj.spec, result) : [])];
  }

  statusFields(obj: CustomerProfilesIntegration, observed: ObservedIntegration, place: Placement): Partial<IntegrationStatus> {
    return integrationFields(observed, { ...place, arn: integrationArn(place.region, place.account, obj.spec.domainName, observed.uri) });
  }

  /** A Put that went through applied the spec's flow (none: no applied flow any more). */
  appliedFields(obj: CustomerProfilesIntegration, plan: Plan | undefined): Partial<IntegrationStatus> {
    if (plan && !plan.put) return {};
    const flow = obj.spec.flowDefinition;
    return { appliedFlowDefinitionHash: flowDefinitionHash(flow), appliedFlowDefinition: flow };
  }

  notFoundFields(obj: CustomerProfilesIntegration): Partial<IntegrationStatus> {
    return obj.spec.uri ? { uri: obj.spec.uri } : {};
  }

  delete(obj: CustomerProfilesIntegration, observed: ObservedIntegration, io: ActIo): Promise<boolean> {
    return this.gateway.deleteIntegration(io.target, obj.spec.domainName, observed.uri, io.prio);
  }

  /**
   * The flow of an integration this resource owned: AWS may leave it behind (docs/aws-behaviour.md),
   * and a flow name left taken would keep the resource from ever being created again. Only when no
   * integration of someone else uses it now (DeleteFlow without force also refuses a flow in use).
   */
  async afterDelete(obj: CustomerProfilesIntegration, observed: ObservedIntegration | undefined, owned: boolean, io: ActIo): Promise<void> {
    const flowName = owned ? flowNameOfUri(observed?.uri ?? obj.status?.uri) : undefined;
    if (!flowName || !(await this.gateway.flowExists(io.target, flowName, io.prio))) return;
    await this.gateway.deleteFlow(io.target, flowName, io.prio);
    io.log.info({ flowName, account: io.account, outcome: 'deleted' }, 'DeleteFlow');
    io.event('Normal', 'Deleted', 'DeleteFlow', `Deleted AppFlow flow ${flowName}, left behind by its deleted integration`);
  }

  invalidate(obj: CustomerProfilesIntegration, target: AwsTarget): void {
    this.snapshots?.invalidate(target, obj.spec.domainName);
  }
}

export { planIsEmpty };
