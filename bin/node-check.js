// The one minimum Node.js version of this package (also in package.json `engines`, the README
// and docs/resource.md). It is the first release that runs the TypeScript sources without flags
// (type stripping on by default, no warning): 22.18 on the 22 line; on the 23 line, 23.6.
// This file is checked before anything else is loaded, so it uses nothing an old Node lacks.
export const MIN_NODE = '22.18.0';

/** Why this Node cannot run cpi, or undefined when it can. */
export function nodeVersionProblem(version) {
  const [major, minor] = String(version).replace(/^v/, '').split('.').map(Number);
  const ok = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
  if (ok) return undefined;
  return (
    'needs Node.js ' + MIN_NODE.replace(/\.0$/, '') + ' or newer' + (major === 23 ? ' (23.6 or newer on the 23 line)' : '') +
    '; this is Node.js v' + String(version).replace(/^v/, '') +
    ' (' + process.execPath + ').\n' +
    'Install a current Node.js LTS (24 or 22.18+) from https://nodejs.org/ or with a version manager,\n' +
    'e.g. `nvm install 24` or `fnm install 24`, then run this command again.'
  );
}

/** Exits 1 with a message (no stack trace) when this Node is too old. */
export function requireNode(prog) {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(prog + ': ' + problem + '\n');
    process.exit(1);
  }
}
