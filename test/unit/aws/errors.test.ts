import { describe, expect, it } from 'vitest';
import { AwsFailure, classifyAwsError } from '../../../src/aws/errors.ts';
import { accountOfArn, domainArn, flowNameOfUri, integrationArn, isFlowUriFor, objectTypeArn, partitionOf } from '../../../src/aws/arn.ts';

const sdkError = (name: string, status?: number, message = 'boom') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' } });

describe('classifyAwsError', () => {
  it.each([
    ['BadRequestException', 400, 'InvalidSpec', false],
    ['ResourceNotFoundException', 404, 'NotFound', true],
    ['AccessDeniedException', 403, 'AccessDenied', false],
    ['ThrottlingException', 429, 'Throttled', true],
    ['Unknown', 429, 'Throttled', true], // a 429 without a type is still throttling
    ['InternalServerException', 500, 'AWSUnavailable', true],
    ['SyntaxError', 502, 'AWSUnavailable', true],
    ['CredentialsProviderError', undefined, 'CredentialsError', true],
    ['UnrecognizedClientException', 403, 'CredentialsError', true],
  ])('%s (%s) is %s', (name, status, kind, retryable) => {
    const f = classifyAwsError(sdkError(name, status), 'PutIntegration');
    expect(f).toBeInstanceOf(AwsFailure);
    expect(f.kind).toBe(kind);
    expect(f.retryable).toBe(retryable);
    expect(f.requestId).toBe('req-1');
    expect(f.message).toBe('PutIntegration: boom');
  });

  it('treats network failures as AWS being unavailable', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyAwsError(err, 'GetIntegration').kind).toBe('AWSUnavailable');
  });

  it('passes an AwsFailure through unchanged', () => {
    const f = new AwsFailure('NotLeader', 'PutIntegration', 'no');
    expect(classifyAwsError(f, 'X')).toBe(f);
  });
});

describe('ARNs', () => {
  it('composes the integration ARN with the raw Uri inside', () => {
    expect(integrationArn('us-east-1', '123456789012', 'retail', 'arn:aws:appflow:us-east-1:123456789012:flow/F')).toBe(
      'arn:aws:profile:us-east-1:123456789012:domains/retail/integrations/arn:aws:appflow:us-east-1:123456789012:flow/F',
    );
  });
  it('composes domain and object type ARNs as the tag APIs take them', () => {
    expect(domainArn('eu-west-1', '123456789012', 'retail')).toBe('arn:aws:profile:eu-west-1:123456789012:domains/retail');
    expect(objectTypeArn('eu-west-1', '123456789012', 'retail', 'Customer')).toBe('arn:aws:profile:eu-west-1:123456789012:domains/retail/object-types/Customer');
    expect(objectTypeArn('us-gov-west-1', '1', 'd', 'T')).toMatch(/^arn:aws-us-gov:profile:us-gov-west-1:1:domains\/d\/object-types\/T$/);
  });
  it('knows the partitions', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('eu-west-1')).toBe('aws');
    expect(integrationArn('cn-north-1', '1', 'd', 'u')).toMatch(/^arn:aws-cn:profile:cn-north-1:/);
  });
  it('reads the account of an ARN and recognises generated flow Uris', () => {
    expect(accountOfArn('arn:aws:iam::210987654321:role/x')).toBe('210987654321');
    expect(accountOfArn('not-an-arn')).toBeUndefined();
    expect(isFlowUriFor('arn:aws:appflow:us-east-1:1:flow/My_Flow', 'My_Flow')).toBe(true);
    expect(isFlowUriFor('arn:aws:appflow:us-east-1:1:flow/Other', 'My_Flow')).toBe(false);
    expect(isFlowUriFor('arn:aws:connect:us-east-1:1:instance/My_Flow', 'My_Flow')).toBe(false);
    expect(flowNameOfUri('arn:aws:appflow:us-east-1:1:flow/My_Flow')).toBe('My_Flow');
    expect(flowNameOfUri('arn:aws-cn:appflow:cn-north-1:1:flow/f.1')).toBe('f.1');
    expect(flowNameOfUri('arn:aws:connect:us-east-1:1:instance/x')).toBeUndefined();
    expect(flowNameOfUri(undefined)).toBeUndefined();
  });
});
