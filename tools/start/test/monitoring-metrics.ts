import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT as ROOT } from '@fillwire/testing';

export const MONITORING = join(ROOT, 'docker/monitoring');

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const doc = parse(readFileSync(join(MONITORING, 'alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: AlertRule[] }[];
  };
  return doc.groups.flatMap((g) => g.rules);
}

export interface DashboardPanel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

export function dashboard(): { uid: string; panels: DashboardPanel[] } {
  return JSON.parse(readFileSync(join(MONITORING, 'grafana/dashboards/fillwire.json'), 'utf8')) as {
    uid: string;
    panels: DashboardPanel[];
  };
}

/** Our metric names in a PromQL expression (histogram series suffixes removed). */
export function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\bfillwire_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
}

/** Every fillwire_* metric the alert rules and the dashboard query. */
export function referencedMetrics(): Set<string> {
  const exprs = [
    ...alertRules().map((r) => r.expr),
    ...dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ];
  return new Set(exprs.flatMap(metricNamesIn));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(path)) out.push(path);
  }
  return out;
}

/**
 * Metric names the services register, read from their source: full `'fillwire_…'` literals
 * (libs/event-bus, observability) and `metrics.counter|gauge|histogram|summary({ name: '…' })`
 * calls, which MetricsService prefixes with `fillwire_` when the name lacks it.
 */
export function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  const roots = ['apps', 'libs'].flatMap((top) =>
    readdirSync(join(ROOT, top)).map((p) => join(ROOT, top, p, 'src')),
  );
  for (const root of roots) {
    if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const file of sourceFiles(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/'(fillwire_[a-z0-9_]*[a-z0-9])'/g)) names.add(m[1]);
      for (const m of text.matchAll(
        /\.(?:counter|gauge|histogram|summary)\(\{\s*name:\s*'([a-z][a-z0-9_]*)'/g,
      )) {
        names.add(m[1].startsWith('fillwire_') ? m[1] : `fillwire_${m[1]}`);
      }
    }
  }
  return names;
}

/** Metric names in a Prometheus text exposition (`# TYPE <name> <kind>` lines). */
export function exposedMetrics(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]));
}
