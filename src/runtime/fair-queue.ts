// Items waiting for one shared resource (a pacer bucket), served fairly between flows (tenants:
// namespaces, in the controller). The API server's Priority and Fairness in miniature:
// - 'high' items go before 'low' ones, always (user changes before drift checks).
// - Within a priority, flows take turns (round-robin): each flow with items waiting gets one item
//   served per round, however many it queued. A flow with one item waits behind at most one item
//   of every other flow, never behind another flow's whole burst.
// - Within a flow, first in, first out.
// Every item costs the same here (one call), so deficit round-robin would reduce to this.
import type { Priority } from './queue.ts';

export class FairQueue<T> {
  readonly #lanes: Record<Priority, Lane<T>> = { high: new Lane(), low: new Lane() };

  push(item: T, flow: string, priority: Priority): void {
    this.#lanes[priority].push(item, flow);
  }

  /** The next item to serve, or undefined when none waits. */
  shift(): T | undefined {
    return this.#lanes.high.shift() ?? this.#lanes.low.shift();
  }

  /** Takes a waiting item out (it gave up); false if it was not waiting. */
  remove(item: T, flow: string, priority: Priority): boolean {
    return this.#lanes[priority].remove(item, flow);
  }

  get size(): number {
    return this.#lanes.high.size + this.#lanes.low.size;
  }

  /** Items waiting per flow (for tests and debugging). */
  flows(priority: Priority): Map<string, number> {
    return new Map([...this.#lanes[priority].byFlow].map(([flow, items]) => [flow, items.length]));
  }
}

class Lane<T> {
  // A Map keeps insertion order: its first flow is the one whose turn it is. A flow that was
  // served and still has items is re-inserted, which moves it to the end of the round.
  readonly byFlow = new Map<string, T[]>();
  size = 0;

  push(item: T, flow: string): void {
    const items = this.byFlow.get(flow);
    if (items) items.push(item);
    else this.byFlow.set(flow, [item]);
    this.size++;
  }

  shift(): T | undefined {
    const first = this.byFlow.entries().next();
    if (first.done) return undefined;
    const [flow, items] = first.value;
    const item = items.shift()!;
    this.byFlow.delete(flow);
    if (items.length > 0) this.byFlow.set(flow, items);
    this.size--;
    return item;
  }

  remove(item: T, flow: string): boolean {
    const items = this.byFlow.get(flow);
    const i = items ? items.indexOf(item) : -1;
    if (i < 0) return false;
    items!.splice(i, 1);
    if (items!.length === 0) this.byFlow.delete(flow);
    this.size--;
    return true;
  }
}
