// What the emulator (our AWS) holds and was asked, in the terms tests assert on: integrations of a
// domain, flows, and the operations of the request log since a mark.
import type { EmulatorAdmin } from '../../../src/emulator/admin-client.ts';
import type { RequestLogEntry } from '../../../src/emulator/request-log.ts';
import type { FlowRecord, IntegrationRecord, RegionState } from '../../../src/emulator/state.ts';
import { ACCOUNT, REGION, WRITE_OPERATIONS } from '../../support/aws.ts';


export class AwsView {
  readonly admin: EmulatorAdmin;
  constructor(admin: EmulatorAdmin) {
    this.admin = admin;
  }

  private async region(account = ACCOUNT, region = REGION): Promise<RegionState | undefined> {
    return (await this.admin.state()).accounts[account]?.[region];
  }

  async integrations(domain: string): Promise<IntegrationRecord[]> {
    return Object.values((await this.region())?.Domains[domain]?.Integrations ?? {});
  }

  async integration(domain: string, uri: string): Promise<IntegrationRecord | undefined> {
    return (await this.region())?.Domains[domain]?.Integrations[uri];
  }

  async flow(name: string): Promise<FlowRecord | undefined> {
    return (await this.region())?.Flows[name];
  }

  /** The sequence number to pass to since()/writes() later. */
  async mark(): Promise<number> {
    return (await this.admin.requestLog({ limit: 1 })).lastSeq;
  }

  since(seq: number, operation?: string): Promise<RequestLogEntry[]> {
    return this.admin.requests({ since: seq, ...(operation ? { operation } : {}) });
  }

  async operations(seq: number): Promise<string[]> {
    return (await this.since(seq)).map((e) => e.operation);
  }

  /** AWS writes since the mark, in order (failed attempts included). */
  async writes(seq: number): Promise<string[]> {
    return (await this.operations(seq)).filter((o) => WRITE_OPERATIONS.has(o));
  }

  /** Successful AWS writes since the mark. */
  async okWrites(seq: number): Promise<string[]> {
    return (await this.since(seq)).filter((e) => WRITE_OPERATIONS.has(e.operation) && e.status === 200).map((e) => e.operation);
  }
}
