// Draws the benchmark charts from bench/results/*.json into docs/charts/*.svg: vega-lite specs,
// compiled to vega and rendered to SVG in Node (no browser).
//
//   npm run bench:charts
//
// A chart whose results file is missing is skipped with a note.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { RESULTS_DIR } from './lib/report.ts';

const CHARTS = fileURLToPath(new URL('../docs/charts/', import.meta.url));

async function render(name: string, spec: vl.TopLevelSpec): Promise<void> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  mkdirSync(CHARTS, { recursive: true });
  writeFileSync(`${CHARTS}${name}.svg`, svg);
  process.stdout.write(`wrote docs/charts/${name}.svg\n`);
}

function load<T>(name: string): T | undefined {
  const path = `${RESULTS_DIR}${name}.json`;
  if (!existsSync(path)) {
    process.stdout.write(`skipped ${name}: no ${path}\n`);
    return undefined;
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 560, height: 300, background: 'white' } as const;

interface ConvergeResult {
  n: number;
  runs: Array<{ scenario: string; seconds: number; floorSeconds: number; timeline: Array<[number, number]> }>;
}
const converge = load<ConvergeResult>('converge');
if (converge) {
  const label = (s: string) => (s === 'quotas' ? 'default quotas (1 Put/s)' : 'quotas off');
  const points = converge.runs.flatMap((r) => r.timeline.map(([t, ready]) => ({ t, ready, series: label(r.scenario) })));
  const quotaRun = converge.runs.find((r) => r.scenario === 'quotas');
  const floor = quotaRun ? [{ t: 0, ready: 0 }, { t: quotaRun.floorSeconds, ready: converge.n }] : [];
  const x = { field: 't', type: 'quantitative', title: 'seconds since the first create' } as const;
  const y = { field: 'ready', type: 'quantitative', title: 'resources Ready' } as const;
  await render('converge', {
    ...base,
    title: `Resources Ready over time, ${converge.n} created at once`,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y, color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom-right', labelLimit: 400 } } },
      },
      {
        data: { values: floor },
        layer: [
          { mark: { type: 'line', strokeDash: [6, 4], color: 'firebrick' }, encoding: { x, y } },
          {
            data: { values: floor.slice(1).map((p) => ({ ...p, label: `quota floor: N / 1 TPS = ${p.t} s` })) },
            mark: { type: 'text', align: 'right', dx: -6, dy: -4, color: 'firebrick' },
            encoding: { x, y, text: { field: 'label' } },
          },
        ],
      },
    ],
  });
}

interface MemoryResult {
  steps: Array<{ resources: number; rssMiB: number; burstPeakMiB: number; restart: { rssMiB: number; heapUsedMiB: number } }>;
}
const memory = load<MemoryResult>('memory');
if (memory) {
  const values = memory.steps.flatMap((s) => [
    { resources: s.resources, MiB: s.burstPeakMiB, series: 'peak RSS while creating them (sampled every second)' },
    { resources: s.resources, MiB: s.rssMiB, series: 'RSS settled after creating them' },
    { resources: s.resources, MiB: s.restart.rssMiB, series: 'RSS of a restarted controller' },
    { resources: s.resources, MiB: s.restart.heapUsedMiB, series: 'V8 heap used, restarted controller' },
  ]);
  await render('memory', {
    ...base,
    title: 'Controller memory at rest against resources watched',
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'resources', type: 'quantitative', title: 'resources watched (all Ready, at rest)' },
          y: { field: 'MiB', type: 'quantitative', title: 'MiB' },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top-left', labelLimit: 400 } },
        },
      },
      {
        data: { values: [{ y: 150, label: 'target: 150 MiB at 5,000 (200 MiB peak)' }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [6, 4], color: 'firebrick' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', x: 4, dy: -6, color: 'firebrick' }, encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
    ],
  });
}

interface LatencyResult {
  totalMs: { p50: number; p99: number };
  samples: Array<{ totalMs: number }>;
}
const latency = load<LatencyResult>('latency');
if (latency) {
  await render('latency', {
    ...base,
    title: `apply -> Ready, ${latency.samples.length} trials (p50 ${latency.totalMs.p50} ms, p99 ${latency.totalMs.p99} ms)`,
    layer: [
      {
        data: { values: latency.samples },
        mark: 'bar',
        encoding: {
          x: { field: 'totalMs', type: 'quantitative', bin: { step: 100 }, title: 'milliseconds from create to Ready=True' },
          y: { aggregate: 'count', type: 'quantitative', title: 'trials' },
        },
      },
      {
        data: { values: [{ ms: 1000, label: 'p50 target' }, { ms: 2000, label: 'p99 target' }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [6, 4], color: 'firebrick' }, encoding: { x: { field: 'ms', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 4, baseline: 'top', y: 4, color: 'firebrick' }, encoding: { x: { field: 'ms', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
    ],
  });
}
