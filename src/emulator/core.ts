// What the emulator's request handlers share: its core state and one HTTP exchange. Its own
// module so that the server and the admin API import it, not each other.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallContext, CustomerProfiles } from './customer-profiles.ts';
import type { Faults } from './faults.ts';
import type { Quotas } from './quotas.ts';
import type { RequestLog } from './request-log.ts';
import type { Semantics } from './semantics.ts';
import type { EmulatorState } from './state.ts';

/** Everything a request handler (API or admin) can reach. */
export interface EmulatorCore {
  region: string;
  account: string;
  state: EmulatorState;
  readonly log: RequestLog;
  readonly faults: Faults;
  readonly quotas: Quotas;
  readonly profiles: CustomerProfiles;
  readonly initialQuotas: { enabled: boolean; overrides: Record<string, number> };
  /** The switches in effect; the admin API changes them, reset restores the startup ones. */
  semantics: Semantics;
  persist(): void;
  reset(): void;
  context(account?: string, region?: string): CallContext;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  rawPath: string;
  rawQuery: string;
  body: Buffer;
  requestId: string;
  started: number;
}

