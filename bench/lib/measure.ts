// What a benchmark reads off the machine: a process's RSS and CPU time from /proc, the API
// server's request counters from its /metrics, percentiles, and the machine itself.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { cpus, loadavg, totalmem } from 'node:os';
import type * as k8s from '@kubernetes/client-node';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * Where a process's RSS is (MiB): anonymous memory (the V8 heap, malloc, stacks) and file pages
 * (the node binary's code and data), and of the anonymous part the malloc heap (the brk area,
 * where glibc keeps the main thread's allocations).
 */
export function rssParts(pid: number): { anonMiB: number; fileMiB: number; mallocHeapMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  let heapKb = 0;
  let inHeap = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
    else if (inHeap && line.startsWith('Rss:')) heapKb += Number(/(\d+)/.exec(line)![1]);
  }
  return { anonMiB: kb('RssAnon') / 1024, fileMiB: kb('RssFile') / 1024, mallocHeapMiB: heapKb / 1024 };
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after its closing paren are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The busy share of all cores over `ms` (from /proc/stat), to say how loaded the machine was. */
export async function machineBusy(ms: number): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  loadavg1m: number;
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    loadavg1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** The API server's /metrics text, fetched with the admin client certificate. */
export function apiServerMetrics(kc: k8s.KubeConfig): Promise<string> {
  const cluster = kc.getCurrentCluster()!;
  const user = kc.getCurrentUser()!;
  const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64') : undefined);
  return new Promise((resolve, reject) => {
    const req = request(
      `${cluster.server}/metrics`,
      { ca: b64(cluster.caData), cert: b64(user.certData), key: b64(user.keyData), agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`API server /metrics: HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sum of apiserver_request_total samples whose labels match: e.g. {resource: 'customerprofilesintegrations'}
 * and a verb among `verbs`.
 */
export function sumRequests(metricsText: string, match: Record<string, string>, verbs: string[]): number {
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!verbs.includes(labels.verb ?? '')) continue;
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY'];
