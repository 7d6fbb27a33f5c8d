// An AWS error as the emulator sends it: the status, the `x-amzn-ErrorType` name and a message.
import { errors as modelErrors } from './model.generated.ts';

/** Errors AWS sends that the Customer Profiles model does not declare, with their status. */
const EXTRA_ERRORS: Record<string, number> = {
  SerializationException: 400,
  UnknownOperationException: 404,
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  ServiceUnavailableException: 503,
};

export class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.type = type;
    this.status = status ?? statusOf(type);
  }
}

/** The HTTP status AWS uses for an error type (400 for types it does not know). */
export function statusOf(type: string): number {
  return modelErrors[type]?.status ?? EXTRA_ERRORS[type] ?? 400;
}

export const badRequest = (message: string) => new ApiError('BadRequestException', message);
export const notFound = (message: string) => new ApiError('ResourceNotFoundException', message);
