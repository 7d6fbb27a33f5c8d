// The slice of a logger the runtime needs. pino's Logger satisfies it; tests pass silentLogger or
// a recorder.
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => {};
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * One line about an error from the Kubernetes client, for logs: the HTTP code and reason of an
 * ApiException (whose message embeds headers and body), or the network cause of a fetch failure.
 */
export function describeKubeError(err: unknown): string {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) return String(err);
  const e = err as { name?: string; message?: string; code?: unknown; statusCode?: unknown; body?: unknown; cause?: { code?: unknown; message?: string } };
  const status = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    let detail = '';
    if (typeof e.body === 'string') {
      try {
        const body = JSON.parse(e.body) as { reason?: string; message?: string };
        detail = [body.reason, body.message].filter(Boolean).join(': ');
      } catch {
        detail = e.body.slice(0, 200);
      }
    }
    return `HTTP ${status}${detail ? ` ${detail}` : e.message && !e.message.includes('\n') ? ` ${e.message}` : ''}`;
  }
  const cause = e.cause?.code ?? e.cause?.message;
  return `${e.name ?? 'Error'}: ${e.message ?? ''}${cause ? ` (${String(cause)})` : ''}`;
}
