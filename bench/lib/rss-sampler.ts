// RSS of the controller, sampled once a second for the whole run, so a bench can report the peak
// of a phase (a creation burst) and not only the value once it has settled. The controller may be
// restarted: follow() points the sampler at the new process.
import { rssBytes } from './measure.ts';

const MIB = 2 ** 20;

export interface RssSample {
  /** Epoch ms. */
  at: number;
  pid: number;
  phase: string;
  rssMiB: number;
}

export class RssSampler {
  readonly samples: RssSample[] = [];
  #pid: number;
  #phase = 'start';
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, intervalMs = 1000) {
    this.#pid = pid;
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  /** Samples now (also called by the timer). A process that is gone is skipped. */
  sample(): RssSample | undefined {
    let rss: number;
    try {
      rss = rssBytes(this.#pid) / MIB;
    } catch {
      return undefined;
    }
    const s = { at: Date.now(), pid: this.#pid, phase: this.#phase, rssMiB: rss };
    this.samples.push(s);
    return s;
  }

  follow(pid: number): void {
    this.#pid = pid;
    this.sample();
  }

  /** Samples taken from now on belong to `phase`. */
  phase(name: string): void {
    this.sample(); // the last sample of the previous phase
    this.#phase = name;
    this.sample();
  }

  /** The largest RSS sampled in a phase (NaN if none). */
  peak(phase: string): number {
    const rss = this.samples.filter((s) => s.phase === phase).map((s) => s.rssMiB);
    return rss.length ? Math.max(...rss) : Number.NaN;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
