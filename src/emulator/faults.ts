// Fault injection: per-operation error rates (500 InternalServerException or 429
// ThrottlingException), added latency, and one-shot failures ("fail the next N PutIntegration
// with X"). `*` as the operation applies to every operation without its own setting.

export interface ErrorRate {
  /** 0..1 */
  rate: number;
  status: 500 | 429;
}

export interface FaultSettings {
  errorRates: Record<string, ErrorRate>;
  /** Operation (or `*`) -> added latency in milliseconds. */
  latencyMs: Record<string, number>;
  /** Operation -> queue of error types to answer the next calls with. */
  failNext: Record<string, string[]>;
}

export const emptyFaults = (): FaultSettings => ({ errorRates: {}, latencyMs: {}, failNext: {} });

export class Faults {
  private settings: FaultSettings;
  private readonly random: () => number;

  constructor(settings: FaultSettings = emptyFaults(), random: () => number = Math.random) {
    this.settings = structuredClone(settings);
    this.random = random;
  }

  get current(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Replaces error rates and latency (the parts given); one-shot queues are kept. */
  set(next: Partial<Pick<FaultSettings, 'errorRates' | 'latencyMs'>>): void {
    if (next.errorRates) this.settings.errorRates = { ...next.errorRates };
    if (next.latencyMs) this.settings.latencyMs = { ...next.latencyMs };
  }

  clear(): void {
    this.settings = emptyFaults();
  }

  failNext(operation: string, count: number, errorType: string): void {
    const queue = (this.settings.failNext[operation] ??= []);
    for (let i = 0; i < count; i++) queue.push(errorType);
  }

  latencyFor(operation: string): number {
    return this.settings.latencyMs[operation] ?? this.settings.latencyMs['*'] ?? 0;
  }

  /** The error type to fail this call with, if a fault fires; consumes one-shot entries. */
  pick(operation: string): string | undefined {
    const queue = this.settings.failNext[operation];
    if (queue?.length) {
      const type = queue.shift()!;
      if (!queue.length) delete this.settings.failNext[operation];
      return type;
    }
    const rate = this.settings.errorRates[operation] ?? this.settings.errorRates['*'];
    if (rate && rate.rate > 0 && this.random() < rate.rate) {
      return rate.status === 429 ? 'ThrottlingException' : 'InternalServerException';
    }
    return undefined;
  }
}
