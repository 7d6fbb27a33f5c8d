import { describe, expect, it } from 'vitest';
import { regionOfArn, uriRegionWarning } from '../../../src/api/uri-region.ts';

const connect = (region: string) => `arn:aws:connect:${region}:123456789012:instance/11111111-2222-3333-4444-555555555555`;

describe('uriRegionWarning', () => {
  it('reads the region of an ARN, and none from an S3 ARN or a non-ARN', () => {
    expect(regionOfArn(connect('eu-west-1'))).toBe('eu-west-1');
    expect(regionOfArn('arn:aws:app-integrations:us-east-1:123456789012:event-integration/shop')).toBe('us-east-1');
    expect(regionOfArn('arn:aws:s3:::bucket')).toBeUndefined();
    expect(regionOfArn('s3://bucket/prefix')).toBeUndefined();
  });

  it('warns when the Uri names another region than spec.region, else the default region', () => {
    expect(uriRegionWarning({ uri: connect('us-east-1'), region: 'eu-west-1' })).toEqual({
      path: 'spec.uri',
      message: expect.stringContaining('the ARN is in region us-east-1 but the integration is managed in eu-west-1 (spec.region)'),
    });
    expect(uriRegionWarning({ uri: connect('us-east-1') }, 'eu-central-1')?.message).toContain("eu-central-1 (the controller's default region)");
    expect(uriRegionWarning({ uri: connect('us-east-1'), region: 'eu-west-1' }, 'us-east-1')?.message).toContain('(spec.region)');
  });

  it('says nothing when the regions agree or one is unknown', () => {
    expect(uriRegionWarning({ uri: connect('us-east-1'), region: 'us-east-1' })).toBeUndefined();
    expect(uriRegionWarning({ uri: connect('us-east-1') })).toBeUndefined();
    expect(uriRegionWarning({ uri: 'arn:aws:s3:::bucket', region: 'eu-west-1' })).toBeUndefined();
    expect(uriRegionWarning({ region: 'eu-west-1' })).toBeUndefined();
  });
});
