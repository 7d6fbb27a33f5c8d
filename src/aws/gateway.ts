// The only module that talks to the Customer Profiles SDK. Every call is paced (token buckets
// per account, region and operation class, shared fairly between namespaces), guarded for
// leadership when it writes, counted and timed, and its failure classified. The SDK itself never
// retries (maxAttempts 1): the work queue owns backoff, so one reconcile never hides a burst of
// hidden requests. While a call waits (for its token, or for AWS's answer) the worker slot is
// given back: a slow or throttled account holds up its own calls, never the other accounts'.
import {
  CreateDomainCommand,
  CustomerProfilesClient,
  DeleteDomainCommand,
  DeleteIntegrationCommand,
  DeleteProfileObjectTypeCommand,
  GetDomainCommand,
  GetIntegrationCommand,
  GetProfileObjectTypeCommand,
  ListDomainsCommand,
  ListIntegrationsCommand,
  ListProfileObjectTypesCommand,
  PutIntegrationCommand,
  PutProfileObjectTypeCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDomainCommand,
  type ListIntegrationItem,
} from '@aws-sdk/client-customer-profiles';
import { AppflowClient, DeleteFlowCommand, DescribeFlowCommand } from '@aws-sdk/client-appflow';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { AwsFailure, classifyAwsError } from './errors.ts';
import { awayFromSlot, currentFlow } from '../runtime/work-context.ts';
import { operationClass, type BucketKey } from './pacer.ts';
import type {
  AwsTarget,
  CallPriority,
  CreateDomainCommandInput,
  DomainDescription,
  DomainGateway,
  DomainSummary,
  IntegrationGateway,
  ObjectTypeDescription,
  ObjectTypeGateway,
  ObjectTypeSummary,
  ObservedIntegration,
  PutIntegrationRequest,
  PutProfileObjectTypeCommandInput,
  UpdateDomainCommandInput,
} from './types.ts';
import { quietLogger } from './sdk-logger.ts';
import type { FinalizeRequestMiddleware, RelativeMiddlewareOptions } from '@smithy/types';

/** The pacer as the gateway needs it (src/aws/pacer.ts implements it). */
export interface CallPacer {
  /** `flow`: who the call is for (the namespace); flows take turns within a bucket. */
  acquire(key: BucketKey, priority: CallPriority, signal?: AbortSignal, flow?: string): Promise<void>;
  onThrottled(key: BucketKey): void;
  /** AWS answered a call of `key` (writes): no grant before one interval from now. */
  answered?(key: BucketKey): void;
  /** The bucket's current interval between calls, in ms (slowdowns included). */
  intervalMs(key: BucketKey): number;
}

/**
 * Spacing of writes measured from when AWS answered the previous one. The pacer spaces the moments
 * we *send*; AWS counts the moments requests *arrive*, and a 1 TPS quota has no burst to absorb the
 * difference. A first call after a pause pays for a new connection (TCP, TLS) and arrives late, the
 * next one reuses it and arrives early: two arrivals under a second apart, a ThrottlingException
 * (seen in e2e: 920 ms). The previous request surely arrived before its answer did, so a send at
 * least one interval after that answer can never be early. Writes of one bucket therefore go one at
 * a time, in the order the pacer granted them (which keeps its priorities and namespace turns),
 * each costing one interval plus one round trip; the gateway tells the pacer of each answer
 * (Pacer.answered), so its grants do not run ahead and queue up here.
 */
export class WriteSpacing {
  private readonly lanes = new Map<string, { tail: Promise<void>; answeredAt: number }>();
  private readonly now: () => number;
  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /**
   * Waits for this write's turn. Call the returned function once AWS has answered or the call
   * failed (sent = true), or with sent = false when the write was never sent.
   */
  async turn(id: string, intervalMs: () => number, signal?: AbortSignal): Promise<(sent: boolean) => void> {
    let lane = this.lanes.get(id);
    if (!lane) this.lanes.set(id, (lane = { tail: Promise.resolve(), answeredAt: -Infinity }));
    const previous = lane.tail;
    let release!: () => void;
    lane.tail = new Promise<void>((r) => (release = r));
    const done = (sent: boolean) => {
      if (sent) lane.answeredAt = this.now();
      release();
    };
    try {
      await previous;
      const wait = lane.answeredAt + intervalMs() - this.now();
      if (wait > 0) await delay(wait, signal);
      signal?.throwIfAborted();
    } catch (err) {
      release(); // never answered: the next write need not wait for it
      throw err;
    }
    return done;
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface GatewayOptions {
  pacer: CallPacer;
  /** Throws when this replica must not write (leader election); called before every write. */
  writeGate?: () => void;
  /** Counts and times every call: operation, outcome ('ok' or the failure kind), seconds. */
  observe?: (operation: string, outcome: string, seconds: number) => void;
  /** Extra SDK client settings (tests pass a user agent to tell replicas apart). */
  userAgent?: string;
  requestTimeoutMs?: number;
  /** Aborts waits for the pacer at shutdown. */
  signal?: AbortSignal;
}


function toObserved(item: ListIntegrationItem): ObservedIntegration {
  return {
    domainName: item.DomainName!,
    uri: item.Uri!,
    objectTypeName: item.ObjectTypeName,
    objectTypeNames: item.ObjectTypeNames,
    tags: item.Tags,
    createdAt: item.CreatedAt ?? new Date(0),
    lastUpdatedAt: item.LastUpdatedAt ?? new Date(0),
    workflowId: item.WorkflowId,
    isUnstructured: item.IsUnstructured,
    roleArn: item.RoleArn,
    eventTriggerNames: item.EventTriggerNames,
    scope: item.Scope,
  };
}

/** The call's answer, or `value` when AWS says the thing is not there (any other failure rethrown). */
async function unlessNotFound<T, V>(call: Promise<T>, value: V): Promise<T | V> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof AwsFailure && err.kind === 'NotFound') return value;
    throw err;
  }
}

/** An SDK answer without its `$metadata` (and, for a domain, without `Stats`: counts, not configuration). */
function described<T extends { $metadata: unknown; Stats?: unknown }>(out: T): Omit<T, '$metadata' | 'Stats'> {
  const { $metadata: _m, Stats: _s, ...rest } = out;
  return rest;
}

export class AwsGateway implements IntegrationGateway, DomainGateway, ObjectTypeGateway {
  private readonly clients = new Map<string, { profiles: CustomerProfilesClient; sts: STSClient; appflow: () => AppflowClient; appflowMade?: AppflowClient }>();
  private readonly accounts = new Map<string, Promise<string>>();
  private readonly opts: GatewayOptions;
  private readonly spacing = new WriteSpacing();

  constructor(opts: GatewayOptions) {
    this.opts = opts;
  }

  private clientsFor(target: AwsTarget) {
    const key = `${target.region}|${target.roleArn ?? ''}`;
    let c = this.clients.get(key);
    if (!c) {
      const common = {
        region: target.region,
        maxAttempts: 1,
        logger: quietLogger,
        ...(this.opts.userAgent ? { customUserAgent: this.opts.userAgent } : {}),
        requestHandler: {
          connectionTimeout: 3_000,
          requestTimeout: this.opts.requestTimeoutMs ?? 15_000,
          throwOnRequestTimeout: true,
        },
      };
      const credentials = target.roleArn
        ? fromTemporaryCredentials({
            params: { RoleArn: target.roleArn, RoleSessionName: 'customer-profiles-operator', DurationSeconds: 900 },
            clientConfig: { region: target.region, maxAttempts: 2, logger: quietLogger },
            logger: quietLogger,
          })
        : undefined;
      const made: { profiles: CustomerProfilesClient; sts: STSClient; appflow: () => AppflowClient; appflowMade?: AppflowClient } = {
        profiles: this.gatedAfterSigning(new CustomerProfilesClient({ ...common, ...(credentials ? { credentials } : {}) })),
        sts: new STSClient({ ...common, maxAttempts: 2, ...(credentials ? { credentials } : {}) }),
        // Only deletions of flow integrations need AppFlow: made on first use.
        appflow: () => (made.appflowMade ??= this.gatedAfterSigning(new AppflowClient({ ...common, ...(credentials ? { credentials } : {}) }))),
      };
      c = made;
      this.clients.set(key, c);
    }
    return c;
  }

  /**
   * Resolving credentials (an STS AssumeRole when they expire) happens inside send(), after the
   * gate in call(): a write is gated once more after signing, right before it goes on the wire.
   */
  private gatedAfterSigning<C extends { middlewareStack: { addRelativeTo(m: FinalizeRequestMiddleware<any, any>, o: RelativeMiddlewareOptions): void } }>(client: C): C {
    const gate: FinalizeRequestMiddleware<any, any> = (next, context) => async (args) => {
      const operation = context.commandName?.replace(/Command$/, '') ?? '';
      if (operationClass(operation) !== 'read') this.gateWrite(operation);
      return next(args);
    };
    client.middlewareStack.addRelativeTo(gate, { name: 'cpiWriteGate', relation: 'after', toMiddleware: 'httpSigningMiddleware' });
    return client;
  }

  account(target: AwsTarget): Promise<string> {
    const key = `${target.region}|${target.roleArn ?? ''}`;
    let p = this.accounts.get(key);
    if (!p) {
      const started = performance.now();
      p = this.clientsFor(target)
        .sts.send(new GetCallerIdentityCommand({}))
        .then((out) => {
          this.opts.observe?.('GetCallerIdentity', 'ok', (performance.now() - started) / 1000);
          if (!out.Account) throw new AwsFailure('CredentialsError', 'GetCallerIdentity', 'STS returned no account');
          return out.Account;
        })
        .catch((err: unknown) => {
          this.accounts.delete(key); // never cache a failure
          const failure = classifyAwsError(err, 'GetCallerIdentity');
          this.opts.observe?.('GetCallerIdentity', failure.kind, (performance.now() - started) / 1000);
          // Any STS failure means the operator cannot act as anyone.
          throw failure.kind === 'AWSUnavailable' || failure.kind === 'Throttled'
            ? failure
            : new AwsFailure('CredentialsError', 'GetCallerIdentity', failure.message, failure.requestId);
        });
      this.accounts.set(key, p);
    }
    return p;
  }

  async checkCredentials(target: AwsTarget): Promise<void> {
    await this.account(target);
  }

  /** Paces, gates, times and classifies one SDK call, away from the worker slot. */
  private call<T>(target: AwsTarget, operation: string, prio: CallPriority, send: (c: CustomerProfilesClient) => Promise<T>): Promise<T> {
    const flow = currentFlow();
    return awayFromSlot(() => this.paced(target, operation, prio, flow, send));
  }

  private async paced<T>(target: AwsTarget, operation: string, prio: CallPriority, flow: string, send: (c: CustomerProfilesClient) => Promise<T>): Promise<T> {
    const opClass = operationClass(operation);
    const account = await this.account(target);
    const bucket = { account, region: target.region, opClass };
    await this.opts.pacer.acquire(bucket, prio, this.opts.signal, flow);
    const turnDone = opClass === 'write'
      ? await this.spacing.turn(`${account}|${target.region}`, () => this.opts.pacer.intervalMs(bucket), this.opts.signal)
      : undefined;
    if (opClass !== 'read') {
      try {
        this.gateWrite(operation); // after every wait: leadership may have moved meanwhile
      } catch (err) {
        turnDone?.(false);
        throw err;
      }
    }
    const started = performance.now();
    try {
      const out = await send(this.clientsFor(target).profiles);
      this.opts.observe?.(operation, 'ok', (performance.now() - started) / 1000);
      return out;
    } catch (err) {
      const failure = classifyAwsError(err, operation);
      this.opts.observe?.(operation, failure.kind, (performance.now() - started) / 1000);
      if (failure.kind === 'Throttled') this.opts.pacer.onThrottled(bucket);
      throw failure;
    } finally {
      turnDone?.(true);
      // The next write leaves one interval after this answer, so the pacer's grants never run
      // ahead of WriteSpacing (where a granted write would wait first come, first served).
      if (turnDone) this.opts.pacer.answered?.(bucket);
    }
  }

  private gateWrite(operation: string): void {
    try {
      this.opts.writeGate?.();
    } catch (err) {
      throw new AwsFailure('NotLeader', operation, `${operation} refused: ${(err as Error).message}`);
    }
  }

  getIntegration(target: AwsTarget, domain: string, uri: string, prio: CallPriority) {
    const get = this.call(target, 'GetIntegration', prio, (c) => c.send(new GetIntegrationCommand({ DomainName: domain, Uri: uri })));
    return unlessNotFound(get.then(toObserved), undefined);
  }

  /** Every page of a List operation, each page one paced call. */
  private async allPages<I, T>(
    target: AwsTarget,
    operation: string,
    prio: CallPriority,
    send: (c: CustomerProfilesClient, next: string | undefined) => Promise<{ Items?: I[] | undefined; NextToken?: string | undefined }>,
    map: (item: I) => T,
  ): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    do {
      const token = next;
      const out = await this.call(target, operation, prio, (c) => send(c, token));
      for (const item of out.Items ?? []) items.push(map(item));
      next = out.NextToken;
    } while (next);
    return items;
  }

  listIntegrations(target: AwsTarget, domain: string, prio: CallPriority) {
    return this.allPages(
      target,
      'ListIntegrations',
      prio,
      (c, next) => c.send(new ListIntegrationsCommand({ DomainName: domain, MaxResults: 100, NextToken: next, IncludeHidden: true })),
      toObserved,
    );
  }

  async putIntegration(target: AwsTarget, request: PutIntegrationRequest, prio: CallPriority) {
    const out = await this.call(target, 'PutIntegration', prio, (c) => c.send(new PutIntegrationCommand(request)));
    return toObserved(out);
  }

  deleteIntegration(target: AwsTarget, domain: string, uri: string, prio: CallPriority) {
    const del = this.call(target, 'DeleteIntegration', prio, (c) => c.send(new DeleteIntegrationCommand({ DomainName: domain, Uri: uri })));
    return unlessNotFound(del.then(() => true), false); // false: already gone
  }

  async tagResource(target: AwsTarget, arn: string, tags: Record<string, string>, prio: CallPriority) {
    await this.call(target, 'TagResource', prio, (c) => c.send(new TagResourceCommand({ resourceArn: arn, tags })));
  }

  async untagResource(target: AwsTarget, arn: string, keys: string[], prio: CallPriority) {
    await this.call(target, 'UntagResource', prio, (c) =>
      c.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: keys })),
    );
  }

  getDomain(target: AwsTarget, domainName: string, prio: CallPriority): Promise<DomainDescription | undefined> {
    const get = this.call(target, 'GetDomain', prio, (c) => c.send(new GetDomainCommand({ DomainName: domainName })));
    return unlessNotFound(get.then(described), undefined);
  }

  async createDomain(target: AwsTarget, input: CreateDomainCommandInput, prio: CallPriority): Promise<DomainDescription> {
    return described(await this.call(target, 'CreateDomain', prio, (c) => c.send(new CreateDomainCommand(input))));
  }

  async updateDomain(target: AwsTarget, input: UpdateDomainCommandInput, prio: CallPriority): Promise<DomainDescription> {
    return described(await this.call(target, 'UpdateDomain', prio, (c) => c.send(new UpdateDomainCommand(input))));
  }

  deleteDomain(target: AwsTarget, domainName: string, prio: CallPriority): Promise<boolean> {
    const del = this.call(target, 'DeleteDomain', prio, (c) => c.send(new DeleteDomainCommand({ DomainName: domainName })));
    return unlessNotFound(del.then(() => true), false);
  }

  listDomains(target: AwsTarget, prio: CallPriority): Promise<DomainSummary[]> {
    return this.allPages(
      target,
      'ListDomains',
      prio,
      (c, next) => c.send(new ListDomainsCommand({ MaxResults: 100, NextToken: next })),
      (d) => ({
        domainName: d.DomainName!,
        createdAt: d.CreatedAt ?? new Date(0),
        lastUpdatedAt: d.LastUpdatedAt ?? new Date(0),
        ...(d.Tags ? { tags: d.Tags } : {}),
      }),
    );
  }

  getObjectType(target: AwsTarget, domainName: string, objectTypeName: string, prio: CallPriority): Promise<ObjectTypeDescription | undefined> {
    const get = this.call(target, 'GetProfileObjectType', prio, (c) =>
      c.send(new GetProfileObjectTypeCommand({ DomainName: domainName, ObjectTypeName: objectTypeName })),
    );
    return unlessNotFound(get.then(described), undefined);
  }

  async putObjectType(target: AwsTarget, input: PutProfileObjectTypeCommandInput, prio: CallPriority): Promise<ObjectTypeDescription> {
    return described(await this.call(target, 'PutProfileObjectType', prio, (c) => c.send(new PutProfileObjectTypeCommand(input))));
  }

  deleteObjectType(target: AwsTarget, domainName: string, objectTypeName: string, prio: CallPriority): Promise<boolean> {
    const del = this.call(target, 'DeleteProfileObjectType', prio, (c) =>
      c.send(new DeleteProfileObjectTypeCommand({ DomainName: domainName, ObjectTypeName: objectTypeName })),
    );
    return unlessNotFound(del.then(() => true), false);
  }

  listObjectTypes(target: AwsTarget, domainName: string, prio: CallPriority): Promise<ObjectTypeSummary[]> {
    return this.allPages(
      target,
      'ListProfileObjectTypes',
      prio,
      (c, next) => c.send(new ListProfileObjectTypesCommand({ DomainName: domainName, MaxResults: 100, NextToken: next })),
      (t) => ({
        objectTypeName: t.ObjectTypeName!,
        ...(t.Description !== undefined ? { description: t.Description } : {}),
        ...(t.CreatedAt ? { createdAt: t.CreatedAt } : {}),
        ...(t.LastUpdatedAt ? { lastUpdatedAt: t.LastUpdatedAt } : {}),
        ...(t.Tags ? { tags: t.Tags } : {}),
      }),
    );
  }

  /** Whether the AppFlow flow exists (DescribeFlow). */
  flowExists(target: AwsTarget, flowName: string, prio: CallPriority): Promise<boolean> {
    const describe = this.call(target, 'DescribeFlow', prio, () => this.clientsFor(target).appflow().send(new DescribeFlowCommand({ flowName })));
    return unlessNotFound(describe.then(() => true), false);
  }

  /** Deletes an AppFlow flow; resolves false when it was already gone. */
  deleteFlow(target: AwsTarget, flowName: string, prio: CallPriority): Promise<boolean> {
    const del = this.call(target, 'DeleteFlow', prio, () => this.clientsFor(target).appflow().send(new DeleteFlowCommand({ flowName, forceDelete: false })));
    return unlessNotFound(del.then(() => true), false);
  }

  destroy(): void {
    for (const c of this.clients.values()) {
      c.profiles.destroy();
      c.sts.destroy();
      c.appflowMade?.destroy();
    }
    this.clients.clear();
  }
}
