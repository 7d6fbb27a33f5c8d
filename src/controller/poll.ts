// When to check a healthy resource for drift again. Polls of one domain are aligned to a shared
// grid (offset by a hash of the domain, so domains spread out), so the resources of a domain come
// due together and one paged ListIntegrations serves them all.

export function hashOffset(text: string, modulo: number): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return modulo > 0 ? h % modulo : 0;
}

/** Milliseconds until the next poll of a resource in `domain`, between interval/2 and 1.5 x interval. */
export function nextPollDelay(now: number, intervalMs: number, domain: string): number {
  const offset = hashOffset(domain, intervalMs);
  let next = Math.ceil((now - offset) / intervalMs) * intervalMs + offset;
  if (next - now < intervalMs / 2) next += intervalMs;
  return next - now;
}
