// Issue 19 point 2: the metrics tell the truth, and every query and alert we ship or document
// holds against a real controller's /metrics (deploy/monitoring/, docs/deploy.md).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubectlOk, waitFor } from './support/index.ts';
import { controllerStack } from './harness/stack.ts';
import { dashboardQueries, declaredMetrics, documentedQueries, evaluate, isInstant, parseScrape, selectorProblems, selectorsOf, shippedAlerts, type Series } from './harness/promql.ts';

const URI = (n: number) => `arn:aws:connect:us-east-1:123456789012:instance/33333333-0000-0000-0000-${String(n).padStart(12, '0')}`;
const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('metrics and the shipped alerts, against a real controller', () => {
  // No --leader-elect: the default, and what the alert CpiNoLeader used to fire on.
  const stack = controllerStack('mon');
  const scrape = async (): Promise<Series[]> => parseScrape(await (await fetch(`${stack.controller.metricsUrl}/metrics`)).text());
  const value = (series: Series[], name: string, labels: Record<string, string> = {}) =>
    series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  beforeAll(async () => {
    await stack.res.create('a-owner', { domainName: 'retail', uri: URI(1), objectTypeName: 'CTR' });
    await stack.res.waitForCondition('a-owner', 'Ready', 'True');
  });

  it('counts a converged reconcile as success, says it leads without election, and carries the version', async () => {
    const s = await waitFor(async () => {
      const s = await scrape();
      return (value(s, 'cpi_reconcile_total', { result: 'success' }) ?? 0) >= 1 ? s : undefined;
    }, { what: 'a successful reconcile in /metrics', timeoutMs: 15_000 });
    expect(value(s, 'cpi_reconcile_total', { result: 'requeue_after' })).toBe(0);
    expect(value(s, 'cpi_reconcile_total', { result: 'error' })).toBe(0);
    expect(value(s, 'cpi_reconcile_total', { result: 'requeue_after_error' })).toBe(0);
    expect(value(s, 'cpi_leader')).toBe(1);
    expect(value(s, 'cpi_build_info', { version, nodejs_version: process.version })).toBe(1);
    expect(s.some((x) => x.name === 'cpi_build_info' && x.labels.version === 'unknown')).toBe(false);
  });

  it('every query and alert expression in deploy/monitoring and docs/deploy.md names metrics, labels and values /metrics has', async () => {
    const text = await (await fetch(`${stack.controller.metricsUrl}/metrics`)).text();
    const s = parseScrape(text);
    const declared = declaredMetrics(text);
    const { queries, alerts } = documentedQueries();
    const shipped = shippedAlerts();
    const all = [...queries, ...alerts.values(), ...shipped.map((r) => r.expr), ...dashboardQueries()];
    expect(all.length).toBeGreaterThan(25);
    const problems = all.flatMap((e) => selectorsOf(e).flatMap((sel) => selectorProblems(s, sel, declared).map((p) => `${e}: ${p}`)));
    expect(problems).toEqual([]);
    // The docs list exactly the shipped alerts, with the same expressions.
    expect(Object.fromEntries(alerts)).toEqual(Object.fromEntries(shipped.map((r) => [r.alert, r.expr])));
  });

  it('deploy/monitoring builds with kustomize: the rule, the ServiceMonitor, and the dashboard as a ConfigMap Grafana picks up', async () => {
    const built = await kubectlOk(['kustomize', 'deploy/monitoring']);
    const docs = parseAllDocuments(built).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string> }; data?: Record<string, string> });
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'PrometheusRule', 'ServiceMonitor']);
    expect(docs.every((d) => d.metadata.namespace === 'cpi-system')).toBe(true);
    const dashboard = docs.find((d) => d.kind === 'ConfigMap')!;
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe('1');
    expect(JSON.parse(dashboard.data!['grafana-dashboard.json']!).uid).toBe('cpi-controller');
  });

  it('on a healthy controller no instant alert fires; a Stalled resource fires CpiResourcesStalled and counts as requeue_after_error', async () => {
    const instant = shippedAlerts().filter((r) => isInstant(r.expr));
    expect(instant.map((r) => r.alert)).toEqual(expect.arrayContaining(['CpiNoLeader', 'CpiResourcesStalled', 'CpiInformerNotSynced', 'CpiBacklog']));
    const healthy = await scrape();
    expect(instant.filter((r) => evaluate(healthy, r.expr) !== undefined).map((r) => r.alert)).toEqual([]);

    // A second resource for the same integration: the younger one (by name within a second) is a Conflict (Stalled).
    await stack.res.create('b-copy', { domainName: 'retail', uri: URI(1), objectTypeName: 'CTR' });
    await stack.res.waitForCondition('b-copy', 'Stalled', 'True', { reason: 'Conflict' });
    const stalledRule = instant.find((r) => r.alert === 'CpiResourcesStalled')!;
    // cpi_resources is refreshed every 15 s.
    const s = await waitFor(async () => {
      const s = await scrape();
      return evaluate(s, stalledRule.expr) !== undefined ? s : undefined;
    }, { what: 'CpiResourcesStalled to fire', timeoutMs: 30_000 });
    expect(evaluate(s, stalledRule.expr)).toBe(1);
    expect(value(s, 'cpi_reconcile_total', { result: 'requeue_after_error' })).toBeGreaterThanOrEqual(1);
    expect(value(s, 'cpi_reconcile_errors_total')).toBeGreaterThanOrEqual(1);
    expect(instant.filter((r) => r.alert !== 'CpiResourcesStalled' && evaluate(s, r.expr) !== undefined).map((r) => r.alert)).toEqual([]);
  });
});
