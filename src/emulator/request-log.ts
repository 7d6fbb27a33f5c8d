// The log of API requests the emulator answered (admin calls excluded), with counters per
// operation and status. The log is a bounded ring; the counters count everything since reset.

export interface RequestLogEntry {
  seq: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  operation: string;
  method: string;
  path: string;
  status: number;
  errorType?: string;
  requestId: string;
  region: string;
  account: string;
  accessKeyId?: string;
  userAgent?: string;
  /** The parsed request input (labels, query and JSON body), or the STS form parameters. */
  body?: unknown;
  durationMs: number;
}

export interface RequestFilter {
  /** Only entries with seq > since. */
  since?: number;
  operation?: string;
  status?: number;
  limit?: number;
}

export type Counters = Record<string, Record<string, number>>;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private counters: Counters = {};
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    const byStatus = (this.counters[entry.operation] ??= {});
    byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
  }

  list(filter: RequestFilter = {}): RequestLogEntry[] {
    let out = this.entries;
    if (filter.since !== undefined) out = out.filter((e) => e.seq > filter.since!);
    if (filter.operation !== undefined) out = out.filter((e) => e.operation === filter.operation);
    if (filter.status !== undefined) out = out.filter((e) => e.status === filter.status);
    if (filter.limit !== undefined) out = out.slice(-filter.limit);
    return out.slice();
  }

  get lastSeq(): number {
    return this.seq;
  }

  counts(): Counters {
    return structuredClone(this.counters);
  }

  /** Clears entries and counters; sequence numbers keep growing so `since` stays meaningful. */
  clear(): void {
    this.entries = [];
    this.counters = {};
  }
}
