// A Go tool of src/dev/go-tools.ts for one test file: built (or found in the cache) before the
// file's tests run, and a scratch directory for the inputs the tests hand it, removed after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ensureGoTool, type GoToolName } from '../../src/dev/go-tools.ts';

export interface GoToolFixture {
  /** The tool's binary; set once the file's beforeAll has run. */
  readonly path: string;
  /** A scratch directory of the file's own. */
  readonly work: string;
}

/** Registers the file's beforeAll and afterAll; a cold build may take `buildTimeoutMs`. */
export function goToolFixture(name: GoToolName, buildTimeoutMs: number): GoToolFixture {
  const fixture = { path: '', work: mkdtempSync(join(tmpdir(), `cpi-${name}-`)) };
  afterAll(() => rmSync(fixture.work, { recursive: true, force: true }));
  beforeAll(async () => {
    fixture.path = await ensureGoTool(name);
  }, buildTimeoutMs);
  return fixture;
}
