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
  const saved = f.pollingCalls - f.restCalls.reads;
  const share = f.pollingCalls > 0 ? ` (${((saved / f.pollingCalls) * 100).toFixed(1)} %)` : '';
  const operations = Object.entries(f.restCalls.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, calls]) => `${operation} ${n(calls)}`)
    .join(', ');
  const apiCalls = f.restCalls.measured
    ? `| | calls |
|---|---|
| polling baseline: every account's order book every 2 s over the gateways' uptime (${n(f.accounts.total)} accounts) | ${n(f.pollingCalls)} |
| made (measured): reads — order books, histories, trades, positions, logins | ${n(f.restCalls.reads)} |
| **saved** | **${n(saved)}${share}** |

Measured by every service's \`fillwire_broker_rest_calls_total\` (each request sent, whatever its
outcome): ${operations}. Order commands (place/modify/cancel, ${n(f.restCalls.commands)}) are sent
either way and are left out of "made"; fallback polling while a push channel was degraded is in it.`
    : `Not measured: no service exposes \`fillwire_broker_rest_calls_total\` (a snapshot from before it
existed). Polling baseline: ${n(f.pollingCalls)} calls.`;
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

${apiCalls}
`;
}
