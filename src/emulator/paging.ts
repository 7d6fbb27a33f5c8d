// Paging of the List operations: items sorted by a key, MaxResults per page (default 100), and an
// opaque NextToken that holds the key of the last item returned.
import { badRequest } from './errors.ts';

const DEFAULT_PAGE = 100;

const encodeToken = (key: string) => Buffer.from(JSON.stringify({ after: key })).toString('base64url');

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed?.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw badRequest('The NextToken is not valid. Use the NextToken from the previous response.');
}

/** One page of `items` after the request's NextToken, at most its MaxResults long. */
export function page<T>(items: T[], key: (t: T) => string, input: { NextToken?: string; MaxResults?: number }): { Items: T[]; NextToken?: string } {
  const after = decodeToken(input.NextToken);
  const size = input.MaxResults ?? DEFAULT_PAGE;
  const sorted = items.slice().sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((t) => key(t) > after);
  const out = rest.slice(0, size);
  return rest.length > size ? { Items: out, NextToken: encodeToken(key(out[out.length - 1]!)) } : { Items: out };
}

/** A List response: the page's items as `view` shows them, and NextToken when there is more. */
export function listResponse<T>(p: { Items: T[]; NextToken?: string }, view: (t: T) => Record<string, unknown>): Record<string, unknown> {
  return { Items: p.Items.map(view), ...(p.NextToken ? { NextToken: p.NextToken } : {}) };
}
