import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  MONITORING,
  alertRules,
  dashboard,
  exposedMetrics,
  metricNamesIn,
  referencedMetrics,
  registeredMetrics,
} from './monitoring-metrics';
import { REPO_ROOT as ROOT } from '@fillwire/testing';

const compose = parse(readFileSync(join(ROOT, 'docker/compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { profiles?: string[]; volumes?: string[]; depends_on?: Record<string, unknown> }>;
};

describe('docker/monitoring', () => {
  const registered = registeredMetrics();

  it('reads the registered metric names from the source (the check below is not vacuous)', () => {
    for (const name of [
      'fillwire_bus_handle_latency_seconds',
      'fillwire_jobs_queue_depth_jobs',
      'fillwire_gateway_connection_state',
      'fillwire_reconciliation_drift_total',
      'fillwire_ws_clients',
    ]) {
      expect([name, registered.has(name)]).toEqual([name, true]);
    }
    expect(registered.has('fillwire_no_such_metric_total')).toBe(false);
    expect(metricNamesIn('rate(fillwire_x_seconds_bucket[5m]) / up')).toEqual(['fillwire_x_seconds']);
  });

  it('alerts and the dashboard query only metrics a service registers', () => {
    const referenced = [...referencedMetrics()];
    expect(referenced.length).toBeGreaterThan(20);
    expect(referenced.filter((name) => !registered.has(name))).toEqual([]);
  });

  it('has a rule for every alert the runbook promises, each with a runbook anchor that exists', () => {
    const rules = alertRules();
    const byName = new Map(rules.map((r) => [r.alert, r]));
    const runbook = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const need: Record<string, RegExp> = {
      FillwireJobQueueBacklog: /fillwire_jobs_queue_depth_jobs.*> 1000/s,
      FillwireEventGroupLag: /fillwire_bus_group_lag_entries.*> 1000/s,
      FillwireEventLatencyHigh:
        /histogram_quantile\(0\.99,.*fillwire_bus_handle_latency_seconds_bucket.*> 0\.1/s,
      FillwireBrokerDisconnected: /connection_state.*day_of_week\(\).*hour\(\)/s,
      FillwireHandlerErrorRate: /fillwire_bus_events_failed_total.*> 0\.01/s,
      FillwireReconciliationDrift: /changes\(fillwire_reconciliation_drift_total\[\d+s\]\)\) >= 2/,
      FillwireDeadLetters: /fillwire_bus_dead_letters_entries\) > 0/,
    };
    for (const [alert, shape] of Object.entries(need)) {
      expect([alert, shape.test(byName.get(alert)?.expr ?? '')]).toEqual([alert, true]);
    }
    expect(byName.get('FillwireBrokerDisconnected')?.for).toBe('10s');
    for (const rule of rules) {
      const anchor = rule.annotations?.runbook?.split('#')[1];
      expect([rule.alert, anchor]).toEqual([rule.alert, rule.alert.toLowerCase()]);
      expect([rule.alert, runbook.includes(`### ${rule.alert}`)]).toEqual([rule.alert, true]);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    // promtool ships with Debian's `prometheus` package: used where installed, never required.
    if (spawnSync('promtool', ['--version']).status === 0) {
      expect(() =>
        execFileSync('promtool', ['check', 'rules', join(MONITORING, 'alerts.yml')]),
      ).not.toThrow();
    }
  });

  it('has dashboard panels for every view the issue asks for', () => {
    const panels = dashboard().panels.filter((p) => p.type !== 'row');
    const queried = (p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr).join(' ');
    const all = panels.map(queried).join('\n');
    for (const metric of [
      'fillwire_broker_update_ack_seconds_bucket',
      'fillwire_ws_delivery_latency_seconds_bucket',
      'fillwire_bus_handle_latency_seconds_bucket',
      'fillwire_jobs_queue_depth_jobs',
      'fillwire_bus_group_lag_entries',
      'fillwire_broker_connection_state',
      'fillwire_broker_last_message_age_seconds',
      'fillwire_bus_events_failed_total',
      'fillwire_ws_clients',
      'fillwire_reconciliation_drift_total',
      'fillwire_bus_dead_letters_entries',
    ]) {
      expect([metric, all.includes(metric)]).toEqual([metric, true]);
    }
    for (const panel of panels) expect([panel.title, queried(panel).length > 0]).toEqual([panel.title, true]);
    const provisioned = parse(
      readFileSync(join(MONITORING, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as {
      datasources: { uid: string; url: string }[];
    };
    expect(provisioned.datasources[0]).toMatchObject({
      uid: 'fillwire-prometheus',
      url: 'http://prometheus:9090',
    });
    expect(JSON.stringify(dashboard())).not.toMatch(/"uid":"(?!fillwire-)/);
  });

  it('runs Prometheus and Grafana under the monitoring profile with the rules and dashboard mounted', () => {
    const { prometheus, grafana } = compose.services;
    expect(prometheus.profiles).toEqual(['monitoring']);
    expect(grafana.profiles).toEqual(['monitoring']);
    expect(prometheus.volumes).toEqual(
      expect.arrayContaining([
        './monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro',
      ]),
    );
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './monitoring/grafana/provisioning:/etc/grafana/provisioning:ro',
        './monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const scrape = parse(readFileSync(join(MONITORING, 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    expect(scrape.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const targets = scrape.scrape_configs[0].dns_sd_configs.map((c) => `${c.names[0]}:${c.port}`);
    expect(targets.sort()).toEqual([
      'jainam-gateway:3003',
      'notifier:3001',
      'order-api:3000',
      'portfolio-manager:3004',
      'zerodha-postback:3002',
    ]);
  });

  it('parses the metric names of a Prometheus exposition', () => {
    const text =
      '# HELP fillwire_a_total a\n# TYPE fillwire_a_total counter\nfillwire_a_total 1\n# TYPE up gauge\n';
    expect([...exposedMetrics(text)]).toEqual(['fillwire_a_total', 'up']);
  });
});
