// --state FILE: load at start, save after every change. Saves are atomic (write a temporary
// file in the same directory, fsync, rename over the target), so a crash leaves either the old
// or the new state, never half of one. A file that is not emulator state is refused and left
// exactly as it is.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type EmulatorState, emptyState, stateProblem } from './state.ts';

export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateFileError';
  }
}

export function loadState(file: string): EmulatorState {
  if (!existsSync(file)) return emptyState();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StateFileError(`--state ${file}: cannot read it (${(err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(
      `--state ${file}: the file is not valid JSON (${(err as Error).message}); it was left untouched. ` +
        'Fix it, or move it away to start with an empty state.',
    );
  }
  const problem = stateProblem(parsed);
  if (problem) {
    throw new StateFileError(
      `--state ${file}: the file is not emulator state (${problem}); it was left untouched. ` +
        'Fix it, or move it away to start with an empty state.',
    );
  }
  return parsed as EmulatorState;
}

let counter = 0;

export function saveState(file: string, state: EmulatorState): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${++counter}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}
