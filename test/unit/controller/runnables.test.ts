import type * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CustomerProfilesIntegration } from '../../../src/api/types.ts';
import { controllerRunnable, roleWatcher, ticker } from '../../../src/controller/runnables.ts';

const ROLE = 'customerprofiles.gitops.dev/role-arn';
const ns = (name: string, role?: string): k8s.V1Namespace => ({ metadata: { name, ...(role ? { annotations: { [ROLE]: role } } : {}) } });
const resource = (namespace: string, name: string) => ({ metadata: { namespace, name } }) as CustomerProfilesIntegration;

describe('roleWatcher', () => {
  function setup() {
    const handlers: Record<string, (n: k8s.V1Namespace) => void> = {};
    const added: string[] = [];
    const byNamespace: Record<string, CustomerProfilesIntegration[]> = { team: [resource('team', 'a'), resource('team', 'b')] };
    const watcher = roleWatcher({
      namespaces: { on: (verb, fn) => void (handlers[verb] = fn) },
      kinds: [
        {
          cache: { list: (namespace?: string) => byNamespace[namespace!] ?? [] },
          claims: { upsert: (o: CustomerProfilesIntegration) => [`peer-of/${o.metadata.name}`] },
          queue: () => ({ add: (key: string) => void added.push(key) }),
        },
      ],
    });
    return { handlers, added, watcher };
  }

  it('queues a namespace’s resources when it appears, and again only when its role changes', async () => {
    const { handlers, added, watcher } = setup();
    expect(watcher.needsLeader).toBe(false);
    await watcher.start(new AbortController().signal, () => {});
    handlers.add!(ns('team', 'arn:aws:iam::111111111111:role/a'));
    expect(added).toEqual(['team/a', 'team/b']);
    added.length = 0;
    handlers.update!(ns('team', 'arn:aws:iam::111111111111:role/a'));
    expect(added).toEqual([]);
    handlers.update!(ns('team', 'arn:aws:iam::222222222222:role/b'));
    expect(added).toEqual(['peer-of/a', 'team/a', 'peer-of/b', 'team/b']);
    added.length = 0;
    handlers.update!(ns('team')); // the annotation removed: back to the controller's own account
    expect(added).toHaveLength(4);
  });

  it('does nothing once stopped', async () => {
    const { handlers, added, watcher } = setup();
    await watcher.start(new AbortController().signal, () => {});
    await watcher.stop('shutdown');
    handlers.add!(ns('team'));
    handlers.update!(ns('team', 'arn:aws:iam::222222222222:role/b'));
    expect(added).toEqual([]);
  });
});

describe('controllerRunnable', () => {
  function fakeController(outcome: 'runs' | 'crashes' = 'runs') {
    const drains: number[] = [];
    let end!: () => void;
    const controller = {
      run: () => (outcome === 'crashes' ? Promise.reject(new Error('worker crashed')) : new Promise<void>((resolve) => (end = resolve))),
      stop: async (drainTimeoutMs?: number) => {
        drains.push(drainTimeoutMs!);
        end?.();
        return true;
      },
    };
    return { controller, drains };
  }

  it('needs leadership; drains in-flight reconciles on shutdown, not on lost leadership', async () => {
    for (const [reason, drain] of [['shutdown', 20_000], ['failed', 20_000], ['leadership-lost', 0]] as const) {
      const { controller, drains } = fakeController();
      let started = 0;
      const r = controllerRunnable(controller, { drainTimeoutMs: 20_000, onStart: () => started++ });
      expect(r.needsLeader).toBe(true);
      await r.start(new AbortController().signal, () => {});
      expect(started).toBe(1);
      await r.stop(reason);
      expect(drains).toEqual([drain]);
    }
  });

  it('reports workers that end with an error as a failure', async () => {
    const { controller } = fakeController('crashes');
    const fail = vi.fn();
    const r = controllerRunnable(controller, { drainTimeoutMs: 1_000 });
    await r.start(new AbortController().signal, fail);
    await vi.waitFor(() => expect(fail).toHaveBeenCalledWith(expect.objectContaining({ message: 'worker crashed' })));
    await r.stop('failed'); // and stopping it still ends cleanly
  });
});

describe('ticker', () => {
  afterEach(() => vi.useRealTimers());

  it('runs onStart at start, ticks every period while running, and never after stop', async () => {
    vi.useFakeTimers();
    const events: string[] = [];
    const t = ticker('metrics-timer', 15_000, () => events.push('start'), () => events.push('tick'));
    await t.start(new AbortController().signal, () => {});
    expect(events).toEqual(['start']);
    vi.advanceTimersByTime(30_000);
    expect(events).toEqual(['start', 'tick', 'tick']);
    await t.stop('shutdown');
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['start', 'tick', 'tick']);
  });
});
