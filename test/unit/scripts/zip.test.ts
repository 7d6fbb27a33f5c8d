// The generators' zip reader against an archive Python's zipfile made (one stored member, one
// deflated, an archive comment), and against damaged input.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readZipMember } from '../../../scripts/zip.ts';

const zip = readFileSync(new URL('../../fixtures/two-members.zip', import.meta.url));

describe('readZipMember', () => {
  it('reads a stored and a deflated member', () => {
    expect(readZipMember(zip, 'stored.txt')?.toString()).toBe('stored as is\n');
    expect(JSON.parse(readZipMember(zip, 'dir/deflated.json')!.toString())).toEqual({ deflated: 'x'.repeat(200) });
  });

  it('answers undefined for a member the archive does not have', () => {
    expect(readZipMember(zip, 'deflated.json')).toBeUndefined();
  });

  it('refuses what is not a zip archive', () => {
    expect(() => readZipMember(Buffer.from('just text, long enough to hold an end record'), 'x')).toThrow(/not a zip archive/);
  });

  it('refuses a member whose data was damaged', () => {
    const damaged = Buffer.from(zip);
    const at = damaged.indexOf('stored as is');
    damaged.write('STORED', at);
    expect(() => readZipMember(damaged, 'stored.txt')).toThrow(/stored.txt fails its size or CRC-32 check/);
  });
});
