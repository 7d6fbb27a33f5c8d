// Just enough PromQL to check our documented alerts and queries against a real /metrics scrape,
// without a Prometheus: the series a scrape holds, the selectors an expression uses, and the
// value of the instant expressions our alerts are made of (`agg(selector)`, `(... or vector(0))`,
// compared with a number). Range functions (rate, increase) are only checked for their selectors.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Metric names declared by `# TYPE` lines: a labelled counter has none of its series before the first increment. */
export function declaredMetrics(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    out.add(m[1]!);
    if (m[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) out.add(`${m[1]}${suffix}`);
  }
  return out;
}

/** The Prometheus text format, one series per sample line. */
export function parseScrape(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not the Prometheus text format: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  name: string;
  matchers: Matcher[];
}

/** Every `cpi_*` selector in an expression, with its label matchers. */
export function selectorsOf(expr: string): Selector[] {
  return [...expr.matchAll(/\b(cpi_[a-zA-Z0-9_]+)(?:\{([^}]*)\})?/g)].map((m) => ({
    name: m[1]!,
    matchers: [...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((x) => ({ label: x[1]!, op: x[2] as Matcher['op'], value: x[3]! })),
  }));
}

const matches = (s: Series, m: Matcher) => {
  const v = s.labels[m.label] ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~': return !new RegExp(`^(?:${m.value})$`).test(v);
  }
};

export const select = (series: Series[], sel: Selector) => series.filter((s) => s.name === sel.name && sel.matchers.every((m) => matches(s, m)));

/**
 * What is wrong with a selector against a scrape: an unknown metric, a label the metric does not
 * have, or an exact value (each alternative of a `=~"a|b"`) that no series carries. Empty when fine.
 */
export function selectorProblems(series: Series[], sel: Selector, declared: Set<string> = new Set()): string[] {
  const family = series.filter((s) => s.name === sel.name);
  // Declared without a series yet (cpi_aws_throttles_total before the first throttle): the name holds.
  if (!family.length) return declared.has(sel.name) ? [] : [`${sel.name}: no such metric in /metrics`];
  const problems: string[] = [];
  for (const m of sel.matchers) {
    const values = new Set(family.map((s) => s.labels[m.label]).filter((v) => v !== undefined));
    if (!values.size) problems.push(`${sel.name}: no label ${m.label}`);
    else if (m.op === '=' && !values.has(m.value)) problems.push(`${sel.name}{${m.label}="${m.value}"}: no such series (values: ${[...values].join(', ')})`);
    else if (m.op === '=~' && /^[\w|]+$/.test(m.value)) {
      for (const alt of m.value.split('|')) if (!values.has(alt)) problems.push(`${sel.name}{${m.label}=~"…${alt}…"}: no series with ${m.label}="${alt}"`);
    }
  }
  return problems;
}

/**
 * The value of an instant expression of the forms our alerts use, or undefined when it yields no
 * series (an alert that does not fire). Throws on anything else, so an untested form cannot pass.
 */
export function evaluate(series: Series[], expr: string): number | undefined {
  const e = expr.trim();
  const cmp = /^(.*?)\s*(==|!=|>=|<=|>|<)\s*(-?[\d.]+)$/.exec(e);
  if (cmp) {
    const left = evaluate(series, cmp[1]!);
    const right = Number(cmp[3]);
    if (left === undefined) return undefined;
    const ok = { '==': left === right, '!=': left !== right, '>': left > right, '<': left < right, '>=': left >= right, '<=': left <= right }[cmp[2]!];
    return ok ? left : undefined; // a filtering comparison: the series stays only when it holds
  }
  const paren = /^\((.*)\)$/.exec(e);
  if (paren) return evaluate(series, paren[1]!);
  const or = /^(.*)\s+or\s+vector\((-?[\d.]+)\)$/.exec(e);
  if (or) return evaluate(series, or[1]!) ?? Number(or[2]);
  const agg = /^(sum|max|min)\((.*)\)$/.exec(e);
  if (agg) {
    const values = select(series, selectorsOf(agg[2]!)[0]!).map((s) => s.value);
    if (!values.length) return undefined;
    return agg[1] === 'sum' ? values.reduce((a, b) => a + b, 0) : agg[1] === 'max' ? Math.max(...values) : Math.min(...values);
  }
  throw new Error(`not an instant expression this evaluator knows: ${expr}`);
}

export const isInstant = (expr: string) => !/\[\d+[smh]\]/.test(expr) && !/histogram_quantile/.test(expr);

const repo = resolve(import.meta.dirname, '../../..');

export interface Rule {
  alert: string;
  expr: string;
}

/** The alerts of deploy/monitoring/prometheusrule.yaml. */
export function shippedAlerts(): Rule[] {
  const doc = parse(readFileSync(resolve(repo, 'deploy/monitoring/prometheusrule.yaml'), 'utf8')) as { spec: { groups: Array<{ rules: Rule[] }> } };
  return doc.spec.groups.flatMap((g) => g.rules);
}

/** Every query of the Grafana dashboard. */
export function dashboardQueries(): string[] {
  const dash = JSON.parse(readFileSync(resolve(repo, 'deploy/monitoring/grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  return dash.panels.flatMap((p) => p.targets.map((t) => t.expr));
}

/** docs/deploy.md: the ```promql block's queries and the alert table's expressions. */
export function documentedQueries(): { queries: string[]; alerts: Map<string, string> } {
  const text = readFileSync(resolve(repo, 'docs/deploy.md'), 'utf8');
  const block = /```promql\n([\s\S]*?)```/.exec(text)![1]!;
  const queries = block.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const alerts = new Map([...text.matchAll(/^\| `(Cpi\w+)` \| `(.+?)` \|/gm)].map((m) => [m[1]!, m[2]!.replace(/\\\|/g, '|')]));
  return { queries, alerts };
}
