// The compact form of the Customer Profiles API model that the emulator validates and routes
// from. `model.generated.ts` holds the data; scripts/gen-emulator-model.ts writes it from
// botocore's service-2.json, so constraints are derived, never hand-copied.

export type Location = 'uri' | 'querystring' | 'header';

export interface MemberSpec {
  shape: string;
  location?: Location;
  locationName?: string;
}

export type ShapeSpec =
  | { type: 'structure'; members: Record<string, MemberSpec>; required?: string[] }
  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: string[] }
  | { type: 'integer' | 'long' | 'double'; min?: number; max?: number }
  | { type: 'boolean' }
  | { type: 'timestamp' }
  | { type: 'list'; member: string; min?: number; max?: number }
  | { type: 'map'; key: string; value: string; min?: number; max?: number };

export interface OperationSpec {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The model's requestUri, e.g. `/domains/{DomainName}/integrations`. */
  uri: string;
  input: string;
  output: string;
  errors: string[];
}

export interface ErrorSpec {
  status: number;
}
