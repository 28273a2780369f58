import type { Figures } from './figures';
import type { Check, Decision } from './verdict';

const n = (v: number) => v.toLocaleString('en-US');
const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(1)} ms`);

/** The go/no-go report in markdown. */
export function renderReport(
  f: Figures,
  checks: Check[],
  decision: Decision,
  meta: { at: Date; source: string },
): string {
  const saved = f.pollingCalls - f.restCalls.total;
  const share = f.pollingCalls > 0 ? ` (${((saved / f.pollingCalls) * 100).toFixed(1)} %)` : '';
  return `# Fillwire evaluation ${meta.at.toISOString().slice(0, 10)}

Source: ${meta.source}, at ${meta.at.toISOString()}.

## Verdict: **${decision.toUpperCase()}**

| check | result | detail |
|---|---|---|
${checks.map((c) => `| ${c.name} | ${c.grade} | ${c.detail} |`).join('\n')}

Framework: expand when every target is met; refine when latency or errors are marginal (or not
yet measured); roll back when the error rate or stability fails.

## Latency (since each process started)

| path | events | p50 | p99 |
|---|---|---|---|
| received → screen (WebSocket frame) | ${n(f.screenLatencyMs.count)} | ${ms(f.screenLatencyMs.p50)} | ${ms(f.screenLatencyMs.p99)} |
| received → handled (every consumer group) | ${n(f.eventLatencyMs.count)} | ${ms(f.eventLatencyMs.p50)} | ${ms(f.eventLatencyMs.p99)} |

Quantiles are interpolated inside histogram buckets, as Prometheus does.

## Errors

| what | ok | failed |
|---|---|---|
| event handlers | ${n(f.errors.handled)} | ${n(f.errors.failed)} |
| bus publishes | ${n(f.errors.published)} | ${n(f.errors.publishErrors)} |
| HTTP requests | ${n(f.errors.http - f.errors.http5xx)} | ${n(f.errors.http5xx)} (5xx) |
| dead letters waiting | | ${n(f.deadLetters)} |

## Stability

${f.services.map((s) => `- ${s.service ?? s.url}: ${s.up ? `up${s.uptimeS === undefined ? '' : `, ${Math.round(s.uptimeS)} s`}` : 'UNREACHABLE'}`).join('\n')}
- broker accounts: ${f.accounts.live} live, ${f.accounts.degraded} degraded, ${f.accounts.down} down; ${n(f.reconnects)} XTS reconnects

## Broker API calls saved versus polling every 2 s

| | calls |
|---|---|
| polling every account every 2 s over the gateways' uptime | ${n(f.pollingCalls)} |
| made: reconciliations (order book + positions) | ${n(f.restCalls.reconciliations)} |
| made: gap fills after reconnects | ${n(f.restCalls.gapFills)} |
| **saved** | **${n(saved)}${share}** |

Order commands (place/modify/cancel) are made either way and are not counted. Fallback polling
while a push channel is degraded is not counted by the services' metrics yet, so "made" is a
lower bound when accounts were degraded.
`;
}
