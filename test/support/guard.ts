// One watchdog per test or bench process (src/dev/watchdog.ts): the children and scratch dirs
// registered here are killed and removed when this process dies, however it dies. vitest may end
// a worker without its 'exit' handlers (a timed-out beforeAll left controllers running that way),
// and a bench may be SIGKILLed.
import { startWatchdog, type Watchdog } from '../../src/dev/watchdog.ts';

let watchdog: Watchdog | undefined;

/** Started on first use. */
export const guard = (): Watchdog => (watchdog ??= startWatchdog());
