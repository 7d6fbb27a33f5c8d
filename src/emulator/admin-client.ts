// A typed client for the emulator's admin API (/_emulator/...), for tests, benches and the demo.
import type { ErrorRate, FaultSettings } from './faults.ts';
import type { QuotaSettings } from './quotas.ts';
import type { Counters, RequestFilter, RequestLogEntry } from './request-log.ts';
import type { Semantics } from './semantics.ts';
import type { EmulatorState } from './state.ts';

/** Fields an out-of-band edit can set; `null` removes a field. */
export interface IntegrationChanges {
  ObjectTypeName?: string | null;
  ObjectTypeNames?: Record<string, string> | null;
  RoleArn?: string | null;
  EventTriggerNames?: string[] | null;
  Scope?: string | null;
  WorkflowId?: string | null;
  IsUnstructured?: boolean | null;
  Tags?: Record<string, string>;
}

/** An integration as the API returns it (timestamps in epoch seconds). */
export interface IntegrationView {
  DomainName: string;
  Uri: string;
  ObjectTypeName?: string;
  CreatedAt: number;
  LastUpdatedAt: number;
  Tags: Record<string, string>;
  ObjectTypeNames?: Record<string, string>;
  WorkflowId?: string;
  IsUnstructured?: boolean;
  RoleArn?: string;
  EventTriggerNames?: string[];
  Scope?: string;
}

/** Domain members an out-of-band edit can set (CreateDomain's names and shapes); `null` removes one. */
export type DomainChanges = Record<string, unknown> & { Tags?: Record<string, string> };
/** Object type members an out-of-band edit can set (PutProfileObjectType's names and shapes); `null` removes one. */
export type ObjectTypeChanges = Record<string, unknown> & { Description?: string; Tags?: Record<string, string> };

export interface Where {
  region?: string;
  account?: string;
}

export class EmulatorAdminError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'EmulatorAdminError';
    this.status = status;
  }
}

export class EmulatorAdmin {
  readonly url: string;
  constructor(url: string) {
    this.url = url.replace(/\/$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const value = (await res.json()) as any;
    if (!res.ok) throw new EmulatorAdminError(res.status, `emulator admin ${method} ${path}: ${value?.error ?? res.statusText}`);
    return value as T;
  }

  health(): Promise<{ ok: boolean }> {
    return this.call('GET', '/health');
  }

  config(): Promise<{ region: string; account: string; quotas: QuotaSettings & { effective: Record<string, number> }; semantics: Semantics }> {
    return this.call('GET', '/config');
  }

  /** Empties state, the request log and faults; quotas go back to the startup settings. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  state(): Promise<EmulatorState> {
    return this.call('GET', '/state');
  }

  async requests(filter: RequestFilter = {}): Promise<RequestLogEntry[]> {
    return (await this.requestLog(filter)).entries;
  }

  /** The log and the highest sequence number so far (pass it as `since` next time). */
  requestLog(filter: RequestFilter = {}): Promise<{ lastSeq: number; entries: RequestLogEntry[] }> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return this.call('GET', `/requests${qs ? `?${qs}` : ''}`);
  }

  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/requests');
  }

  /** Calls per operation and HTTP status since the last reset or clear. */
  counters(): Promise<Counters> {
    return this.call('GET', '/counters');
  }

  faults(): Promise<FaultSettings> {
    return this.call('GET', '/faults');
  }

  /** Sets error rates (operation or `*` -> {rate, status}) and/or latency (operation or `*` -> ms). */
  setFaults(faults: { errorRates?: Record<string, ErrorRate>; latencyMs?: Record<string, number> }): Promise<FaultSettings> {
    return this.call('PUT', '/faults', faults);
  }

  clearFaults(): Promise<FaultSettings> {
    return this.call('DELETE', '/faults');
  }

  /** The next `count` calls of `operation` fail with `errorType` (default InternalServerException). */
  failNext(operation: string, count = 1, errorType = 'InternalServerException'): Promise<FaultSettings> {
    return this.call('POST', '/faults/fail-next', { operation, count, errorType });
  }

  quotas(): Promise<QuotaSettings & { effective: Record<string, number> }> {
    return this.call('GET', '/quotas');
  }

  /** Turns quotas on/off and/or replaces the per-operation TPS overrides. */
  setQuotas(q: Partial<QuotaSettings>): Promise<QuotaSettings & { effective: Record<string, number> }> {
    return this.call('PUT', '/quotas', q);
  }

  /** The answers the emulator gives to the API's open points (docs/aws-behaviour.md). */
  semantics(): Promise<Semantics> {
    return this.call('GET', '/semantics');
  }

  /** Changes the switches given; the others stay. Unknown names or values: 400, nothing changes. */
  setSemantics(changes: Partial<Semantics>): Promise<Semantics> {
    return this.call('PUT', '/semantics', changes);
  }

  /** Registers object types in a domain (what object-type-check=on accepts); returns all of them. */
  createObjectTypes(domainName: string, names: string[], where: Where = {}): Promise<{ DomainName: string; ObjectTypeNames: string[] }> {
    return this.call('POST', '/object-types', { domainName, names, ...where });
  }

  /** Removes one registered object type (404 if absent); returns those left. */
  deleteObjectType(domainName: string, name: string, where: Where = {}): Promise<{ DomainName: string; ObjectTypeNames: string[] }> {
    return this.call('POST', '/object-types/delete', { domainName, name, ...where });
  }

  /** Creates a domain (a no-op if it exists), as an administrator would in the console. */
  createDomain(name: string, region?: string, account?: string): Promise<Record<string, unknown>> {
    return this.call('POST', '/domains', { name, region, account });
  }

  /** Creates or changes an integration out of band; a change moves LastUpdatedAt. */
  putIntegrationOutOfBand(
    domainName: string,
    uri: string,
    changes: IntegrationChanges = {},
    opts: Where & { hidden?: boolean } = {},
  ): Promise<IntegrationView> {
    return this.call('PUT', '/integrations', { domainName, uri, changes, ...opts });
  }

  /** Changes a domain out of band (e.g. `{DefaultExpirationDays: 7}`); LastUpdatedAt moves. Answers it as the API would. */
  updateDomainOutOfBand(name: string, changes: DomainChanges, where: Where = {}): Promise<Record<string, unknown>> {
    return this.call('PUT', '/domains', { name, changes, ...where });
  }

  /** Creates or changes an object type out of band; LastUpdatedAt moves. Answers it as the API would. */
  putObjectTypeOutOfBand(domainName: string, name: string, changes: ObjectTypeChanges, where: Where = {}): Promise<Record<string, unknown>> {
    return this.call('PUT', '/object-types', { domainName, name, changes, ...where });
  }

  deleteIntegrationOutOfBand(domainName: string, uri: string, where: Where = {}): Promise<{ Message: string }> {
    return this.call('POST', '/integrations/delete', { domainName, uri, ...where });
  }
}

/** The AWS SDK environment that points a process (the controller, the AWS CLI) at an emulator. */
export function emulatorClientEnv(url: string, accessKeyId: string, secretAccessKey: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_CUSTOMER_PROFILES: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_ENDPOINT_URL_APPFLOW: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
  };
}
