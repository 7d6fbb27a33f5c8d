// AWS's default API throttling quotas for Customer Profiles, per account and region
// (docs/design.md#aws-api-facts-the-code-relies-on), as token buckets. Burst = TPS: AWS
// publishes no burst for this service, so a 1 TPS operation admits one call and then one more
// each second, the strictest honest reading.

export const DEFAULT_TPS: Readonly<Record<string, number>> = {
  PutIntegration: 1,
  DeleteIntegration: 1,
  GetIntegration: 5,
  ListIntegrations: 5,
  ListAccountIntegrations: 100,
  GetDomain: 5,
  ListDomains: 5,
  CreateDomain: 1,
  UpdateDomain: 1,
  DeleteDomain: 1,
  PutProfileObjectType: 1,
  GetProfileObjectType: 10,
  ListProfileObjectTypes: 5,
  TagResource: 5,
  UntagResource: 5,
  ListTagsForResource: 5,
};

export interface QuotaSettings {
  enabled: boolean;
  /** Operation -> TPS, replacing the default for that operation. */
  overrides: Record<string, number>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class Quotas {
  private settings: QuotaSettings;
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(settings: QuotaSettings, now: () => number = Date.now) {
    this.settings = { enabled: settings.enabled, overrides: { ...settings.overrides } };
    this.now = now;
  }

  get current(): QuotaSettings & { effective: Record<string, number> } {
    return { ...this.settings, overrides: { ...this.settings.overrides }, effective: this.effective() };
  }

  effective(): Record<string, number> {
    return { ...DEFAULT_TPS, ...this.settings.overrides };
  }

  /** Changes quotas at run time; buckets restart full at the new size. */
  set(settings: Partial<QuotaSettings>): void {
    if (settings.enabled !== undefined) this.settings.enabled = settings.enabled;
    if (settings.overrides) this.settings.overrides = { ...settings.overrides };
    this.buckets.clear();
  }

  /** Takes a token for the call; false means throttle it. Operations without a quota always pass. */
  take(account: string, region: string, operation: string): boolean {
    if (!this.settings.enabled) return true;
    const tps = this.settings.overrides[operation] ?? DEFAULT_TPS[operation];
    if (tps === undefined) return true;
    if (tps <= 0) return false; // 0 TPS: every call throttled (useful in tests)
    const key = `${account}/${region}/${operation}`;
    const now = this.now();
    const capacity = Math.max(1, tps);
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { tokens: capacity, at: now }));
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * tps);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
