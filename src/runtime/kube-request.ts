// Request options for @kubernetes/client-node calls. The client sets no timeout of its own: a
// call to a server that accepted the connection and went silent would wait for minutes, so every
// call the runtime makes carries its own deadline
// (docs/design.md#why-every-kubernetes-request-has-its-own-timeout).
import * as k8s from '@kubernetes/client-node';

/** Options that abort the call with a TimeoutError after `ms` (composable with other options). */
export function withRequestTimeout(ms: number, options?: k8s.ConfigurationOptions): k8s.ConfigurationOptions {
  const timeout: k8s.ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (res) => new k8s.Observable(Promise.resolve(res)),
  };
  return { ...options, middleware: [...(options?.middleware ?? []), timeout], middlewareMergeStrategy: 'append' };
}

/** The HTTP status of a client-node error (ApiException `code`, watch `statusCode`), if any. */
export function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}
