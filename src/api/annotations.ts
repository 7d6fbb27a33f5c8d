// The resource's annotations, read once with one rule each, for `cpi validate`, the reconciler's
// Warning Events and the controller's scheduling alike (they used to apply three rules).
import { parseDuration } from './duration.ts';
import { ANNOTATIONS } from './group.ts';

export const MIN_POLL_INTERVAL_MS = 1_000;

/**
 * The poll-interval annotation: its milliseconds when valid; a problem for people when set but
 * not a duration of at least 1s (the controller's --poll-interval then applies).
 */
export function pollIntervalAnnotation(annotations: Record<string, string> | undefined): { ms?: number; problem?: string } {
  const text = annotations?.[ANNOTATIONS.pollInterval];
  if (text === undefined) return {};
  let ms: number | undefined;
  try {
    ms = parseDuration(text, ANNOTATIONS.pollInterval);
  } catch {
    /* reported below */
  }
  if (ms === undefined || ms < MIN_POLL_INTERVAL_MS) {
    return { problem: `must be a duration of at least 1s such as 30s, 5m or 1h30m (got "${text}"); the controller's --poll-interval applies meanwhile` };
  }
  return { ms };
}

/** The paused annotation: a problem when it is neither "true" nor "false". */
export function pausedAnnotationProblem(annotations: Record<string, string> | undefined): string | undefined {
  const v = annotations?.[ANNOTATIONS.paused];
  return v === undefined || v === 'true' || v === 'false' ? undefined : `must be "true" or "false" (got "${v}"); the resource is not paused`;
}
