// restJson1 routing from the model's `http` traits: method + requestUri. Labels are matched on
// the raw (still percent-encoded) path so an ARN label holding `%2F` stays one segment, then
// decoded once. The operation input is assembled from labels, query string and JSON body.
import { ApiError } from './errors.ts';
import type { OperationSpec, ShapeSpec } from './model-types.ts';
import { operations as modelOperations, shapes as modelShapes } from './model.generated.ts';

type Segment = { literal: string } | { label: string };

interface Route {
  operation: string;
  method: string;
  segments: Segment[];
  spec: OperationSpec;
}

export interface RouteMatch {
  operation: string;
  spec: OperationSpec;
  labels: Record<string, string>;
}

function compile(operation: string, spec: OperationSpec): Route {
  const segments = spec.uri
    .split('?')[0]!
    .split('/')
    .filter(Boolean)
    .map((part): Segment => {
      const m = /^\{(\w+)\}$/.exec(part);
      return m ? { label: m[1]! } : { literal: part };
    });
  return { operation, method: spec.method, segments, spec };
}

export class Router {
  private readonly routes: Route[];
  constructor(operations: Record<string, OperationSpec> = modelOperations) {
    // More literal segments first, so `/integrations/delete` beats a label in the same place.
    this.routes = Object.entries(operations)
      .map(([name, spec]) => compile(name, spec))
      .sort((a, b) => literalCount(b) - literalCount(a));
  }

  /** The operation for a method and raw path, or undefined when no route matches. */
  match(method: string, rawPath: string): RouteMatch | undefined {
    // Keep empty segments: `/domains//integrations` is an empty DomainName (a validation
    // error, as AWS reports it), not a different route. A trailing slash is first read as no
    // segment (`GET /domains/` lists), then as an empty last label (`POST /domains/` is a
    // CreateDomain with an empty DomainName).
    const parts = rawPath.split('/').slice(1);
    const trailing = parts.length > 1 && parts.at(-1) === '';
    return (trailing ? this.matchParts(method, parts.slice(0, -1)) : undefined) ?? this.matchParts(method, parts);
  }

  private matchParts(method: string, parts: string[]): RouteMatch | undefined {
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const labels: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if ('literal' in seg) ok = seg.literal === part;
        else {
          try {
            labels[seg.label] = decodeURIComponent(part);
          } catch {
            throw new ApiError('SerializationException', `path segment "${part}" is not valid percent-encoding`);
          }
        }
      }
      if (ok) return { operation: route.operation, spec: route.spec, labels };
    }
    return undefined;
  }
}

const literalCount = (r: Route) => r.segments.filter((s) => 'literal' in s).length;

/** Converts a query string value to the member's model type, as the SDKs serialize them. */
function fromQuery(shapeName: string, values: string[], name: string): unknown {
  const s: ShapeSpec | undefined = modelShapes[shapeName];
  if (!s) return values[0];
  const bad = (): never => {
    throw new ApiError('SerializationException', `query parameter ${name}="${values[0]}" is not a valid ${s.type}`);
  };
  switch (s.type) {
    case 'list':
      return values;
    case 'integer':
    case 'long': {
      const n = Number(values[0]);
      return Number.isInteger(n) && /^-?\d+$/.test(values[0]!) ? n : bad();
    }
    case 'boolean':
      return values[0] === 'true' ? true : values[0] === 'false' ? false : bad();
    default:
      return values[0];
  }
}

/** Builds the operation input from path labels, query parameters and the parsed JSON body. */
export function assembleInput(match: RouteMatch, query: URLSearchParams, body: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const shape = modelShapes[match.spec.input];
  if (!shape || shape.type !== 'structure') return input;
  for (const [name, member] of Object.entries(shape.members)) {
    const wire = member.locationName ?? name;
    if (member.location === 'uri') {
      const v = match.labels[wire];
      if (v !== undefined) input[name] = v;
    } else if (member.location === 'querystring') {
      const values = query.getAll(wire);
      if (values.length) input[name] = fromQuery(member.shape, values, wire);
    } else if (member.location === 'header') {
      // No served operation binds headers; nothing to do.
    } else if (body[name] !== undefined && body[name] !== null) {
      input[name] = body[name];
    }
  }
  return input;
}
