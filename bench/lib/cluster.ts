// The resources of a benchmark, made several at a time. The control plane is
// test/support/cluster.ts and the user's calls test/support/resources.ts.
import type { NewResource } from '../../test/support/resources.ts';

export type { NewResource };

/** Runs `fn` over the items with at most `concurrency` calls in flight. */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Distinct Amazon Connect instance ARNs, one per index (valid against the schema's pattern). */
export function connectUri(prefix: number, i: number): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  return `arn:aws:connect:us-east-1:123456789012:instance/${hex(prefix, 8)}-0000-4000-8000-${hex(i, 12)}`;
}

/** `n` Connect-instance resources spread round-robin over `domains`. */
export function connectResources(n: number, domains: string[], opts: { prefix?: number; namePrefix?: string; offset?: number } = {}): NewResource[] {
  const off = opts.offset ?? 0;
  return Array.from({ length: n }, (_, j) => {
    const i = j + off;
    return {
      name: `${opts.namePrefix ?? 'r'}-${String(i).padStart(5, '0')}`,
      spec: { domainName: domains[i % domains.length]!, uri: connectUri(opts.prefix ?? 1, i), objectTypeName: 'CTR', tags: { bench: 'true' } },
    };
  });
}

/** Domain names d-00 .. d-(k-1), enough to hold `n` integrations at `perDomain` each. */
export function domainsFor(n: number, perDomain = 50): string[] {
  const k = Math.max(1, Math.ceil(n / perDomain));
  return Array.from({ length: k }, (_, i) => `d-${String(i).padStart(2, '0')}`);
}
