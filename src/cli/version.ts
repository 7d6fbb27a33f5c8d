// The package version, read from package.json next to src/ (a checkout) or dist/ (the package
// and the image copy package.json beside dist/): both are two levels above this file.
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = typeof pkg.version === 'string' && pkg.version ? pkg.version : 'unknown';
  } catch {
    cached = 'unknown'; // a copy without package.json: say so rather than fail
  }
  return cached;
}
