// Drift checks batched per domain: when many resources of one domain are due for a poll, one
// paged ListIntegrations serves them all instead of one GetIntegration each. Snapshots are
// shared by concurrent callers and live for a short window; any write to the domain drops it.
// A caller may also demand a snapshot taken after a given moment (its own previous look at AWS):
// a resource polled every second must never be answered twice by the same snapshot.
import type { AwsTarget, CallPriority, IntegrationGateway, ObservedIntegration } from '../aws/types.ts';

interface Snapshot {
  takenAt: number;
  items: Promise<Map<string, ObservedIntegration>>;
}

export class DomainSnapshots {
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly gateway: IntegrationGateway;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(gateway: IntegrationGateway, maxAgeMs: number, now: () => number = Date.now) {
    this.gateway = gateway;
    this.maxAgeMs = maxAgeMs;
    this.now = now;
  }

  private key(target: AwsTarget, domain: string) {
    return `${target.region}|${target.roleArn ?? ''}|${domain}`;
  }

  /**
   * All integrations of the domain by Uri, from a snapshot at most maxAgeMs old and taken after
   * `takenAfter` (epoch ms), else from a new one.
   */
  async integrations(target: AwsTarget, domain: string, prio: CallPriority, takenAfter = -Infinity): Promise<Map<string, ObservedIntegration>> {
    const key = this.key(target, domain);
    const current = this.snapshots.get(key);
    if (current && this.now() - current.takenAt <= this.maxAgeMs && current.takenAt > takenAfter) return current.items;
    const items = this.gateway.listIntegrations(target, domain, prio).then((list) => new Map(list.map((i) => [i.uri, i])));
    const snap = { takenAt: this.now(), items };
    this.snapshots.set(key, snap);
    items.catch(() => {
      if (this.snapshots.get(key) === snap) this.snapshots.delete(key); // never cache a failure
    });
    return items;
  }

  invalidate(target: AwsTarget, domain: string): void {
    this.snapshots.delete(this.key(target, domain));
  }

  /** Drops expired snapshots so memory does not grow with the number of domains ever seen. */
  prune(): void {
    const now = this.now();
    for (const [key, snap] of this.snapshots) if (now - snap.takenAt > this.maxAgeMs) this.snapshots.delete(key);
  }
}
