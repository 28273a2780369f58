import { z } from 'zod';
import {
  CanonicalOrderSchema,
  EVENT_CATALOGUE,
  EVENT_SAMPLES,
  EVENT_TYPES,
  EnvelopeSchema,
  KITE_STATUS_TABLE,
  OPENALGO_EVENT_NAMES,
  ORDER_STATUS_RANK,
  ORDER_STATUSES,
  XTS_STATUS_TABLE,
  orderStateFingerprint,
  orderUpdateEventId,
  sampleOrder,
  type StatusTableRow,
} from '@fillwire/events';

/** JSON Schema as zod emits it, only the parts we render. */
interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  description?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
}

const toJson = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;

/** Field docs for the two shapes whose source comments are not zod descriptions. */
const ORDER_FIELDS: Record<string, string> = {
  broker: 'which broker holds the order',
  accountId: 'broker account (Kite user id, XTS client id)',
  brokerOrderId: 'Kite `order_id` (string: may exceed 2^53) / XTS `AppOrderID` as a decimal string',
  exchangeOrderId: 'null until the exchange has the order',
  clientTag: 'Kite `tag` / XTS `OrderUniqueIdentifier`; Fillwire puts the idempotency key here',
  symbol: 'trading symbol (Kite `tradingsymbol`)',
  exchange: 'Kite-style venue code (XTS segments mapped: NSECM → NSE, NSEFO → NFO, ...)',
  side: 'BUY or SELL',
  product: 'CNC, MIS, NRML, MTF',
  orderType: 'MARKET, LIMIT, SL, SL-M (XTS StopLimit → SL, StopMarket → SL-M)',
  quantity: 'ordered quantity in units (shares/contracts)',
  price: 'limit price in rupees, 0 for market orders',
  triggerPrice: 'trigger price in rupees, 0 when none',
  filledQuantity: 'cumulative filled quantity (Kite `filled_quantity`, XTS `CumulativeQuantity`)',
  pendingQuantity: 'quantity still working; 0 once terminal (XTS `LeavesQuantity` is not trusted)',
  averagePrice: 'average fill price in rupees, 0 before any fill',
  status: 'canonical status (table below)',
  statusMessage: 'broker/exchange message, e.g. the rejection reason',
  brokerStatus: "the broker's status text exactly as received, even when unknown",
  brokerTimestamp:
    'broker (OMS) time of this state, epoch ms (Kite `order_timestamp`, XTS `LastUpdateDateTime`)',
  exchangeTimestamp: 'exchange time of this state, epoch ms; null until at the exchange',
  inFlight: 'set while a modify or cancel is pending at the broker',
};

const ENVELOPE_FIELDS: Record<string, string> = {
  id: 'deterministic for broker updates (recipe below), a ULID otherwise; the bus deduplicates on it',
  type: 'event name from the catalogue',
  version: 'payload schema version of `type`',
  ts: 'when the source produced it: broker/exchange time where known, epoch ms',
  receivedAt:
    'when Fillwire first saw it: epoch ms with a sub-ms fraction (`performance.timeOrigin + performance.now()`)',
  source: 'the service that published it',
  channel:
    'how a broker update reached us (postback, ticker, socket, polling, reconciliation, rest, internal)',
  userId: 'Fillwire user the event belongs to (filters per-user delivery)',
  accountId: 'broker account; filled from the payload when it has one',
  broker: 'filled from the payload when it has one',
  key: 'ordering key: the broker order id where there is one',
  data: 'the payload, validated against the schema of `type`@`version`',
};

const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => '`' + text + '`';

const ORDER_JSON = JSON.stringify(strip(toJson(CanonicalOrderSchema)));

/** Schema without descriptions and the top-level `$schema`, to recognise shared shapes. */
function strip(schema: JsonSchema): JsonSchema {
  const { description: _d, ...rest } = schema as JsonSchema & { $schema?: string };
  delete (rest as { $schema?: string }).$schema;
  return rest;
}

function isCanonicalOrder(schema: JsonSchema): boolean {
  return JSON.stringify(strip(schema)) === ORDER_JSON;
}

function typeName(schema: JsonSchema): string {
  if (isCanonicalOrder(schema)) return 'CanonicalOrder';
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' \\| ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return 'unknown';
  return types
    .map((t) => {
      if (t === 'array') return `${schema.items ? typeName(schema.items) : 'unknown'}[]`;
      if (t === 'object') return schema.properties ? 'object' : 'record<string, unknown>';
      if ((t === 'integer' || t === 'number') && schema.exclusiveMinimum === 0) return `${t} > 0`;
      if ((t === 'integer' || t === 'number') && schema.minimum === 0) return `${t} ≥ 0`;
      if (t === 'string' && schema.minLength === 1) return 'string (non-empty)';
      return t;
    })
    .join(' \\| ');
}

interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

/** Flatten an object schema to dotted paths; shared shapes stay one row. */
function fields(schema: JsonSchema, descriptions: Record<string, string> = {}, prefix = ''): FieldRow[] {
  const rows: FieldRow[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const path = prefix + name;
    const description = prop.description ?? descriptions[name] ?? '';
    rows.push({ path, type: typeName(prop), required: required.has(name), description });
    const nested = prop.anyOf?.find((s) => s.properties) ?? prop.items ?? prop;
    if (nested.properties && !isCanonicalOrder(nested)) {
      rows.push(...fields(nested, {}, `${path}${nested === prop.items ? '[]' : ''}.`));
    }
  }
  return rows;
}

function fieldTable(rows: FieldRow[]): string[] {
  return [
    '| field | type | required | description |',
    '|---|---|---|---|',
    ...rows.map(
      (r) => `| ${code(r.path)} | ${r.type} | ${r.required ? 'yes' : 'no'} | ${escape(r.description)} |`,
    ),
  ];
}

function requireDescriptions(rows: FieldRow[], what: string): void {
  const missing = rows.filter((r) => !r.description).map((r) => r.path);
  if (missing.length)
    throw new Error(`${what}: describe ${missing.join(', ')} in tools/docs/render-events-doc.ts`);
}

function statusTable(rows: readonly StatusTableRow[], withCode: boolean): string[] {
  const head = withCode
    ? [
        '| broker status | code | canonical | with fills > 0 | in flight | note |',
        '|---|---|---|---|---|---|',
      ]
    : ['| broker status | canonical | with fills > 0 | in flight | note |', '|---|---|---|---|---|'];
  return [
    ...head,
    ...rows.map((r) => {
      const terminal = r.status === 'FILLED' || r.status === 'CANCELLED' || r.status === 'REJECTED';
      const filled = terminal ? r.status : 'PARTIALLY_FILLED';
      const cells = [code(r.brokerStatus), ...(withCode ? [r.code === undefined ? '' : String(r.code)] : [])];
      cells.push(code(r.status), code(filled), r.inFlight ?? '', escape(r.note));
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

function catalogueSummary(): string[] {
  return [
    '| event | v | priority | bus | producers | consumers | OpenAlgo name |',
    '|---|---|---|---|---|---|---|',
    ...EVENT_TYPES.map((type) => {
      const e = EVENT_CATALOGUE[type];
      const openAlgo = OPENALGO_EVENT_NAMES[type];
      return (
        `| [${code(type)}](#${type.replace(/\./g, '')}) | ${e.version} | ${e.priority} | ${e.busBound ? 'yes' : 'no (in-process)'} | ` +
        `${e.producers.join(', ')} | ${e.consumers.join(', ')} | ${openAlgo ? code(openAlgo) : '—'} |`
      );
    }),
  ];
}

function eventSections(): string[] {
  return EVENT_TYPES.flatMap((type) => {
    const e = EVENT_CATALOGUE[type];
    return [
      `### ${type}`,
      '',
      e.description,
      '',
      `Version ${e.version} · priority ${e.priority} · ${e.busBound ? 'on the bus' : 'in-process only, never on the bus'} · ` +
        `produced by ${e.producers.join(', ')} · consumed by ${e.consumers.join(', ')}`,
      '',
      ...fieldTable(fields(toJson(e.schema))),
      '',
      '<details><summary>example</summary>',
      '',
      '```json',
      JSON.stringify(EVENT_SAMPLES[type], null, 2),
      '```',
      '',
      '</details>',
      '',
    ];
  });
}

/** docs/events.md, entirely derived from libs/events (the spec fails when the file is stale). */
export function renderEventsDoc(): string {
  const envelopeRows = fields(toJson(EnvelopeSchema), ENVELOPE_FIELDS);
  const orderRows = fields(toJson(CanonicalOrderSchema), ORDER_FIELDS);
  requireDescriptions(envelopeRows, 'EnvelopeSchema');
  requireDescriptions(orderRows, 'CanonicalOrderSchema');
  const example = sampleOrder({ status: 'PARTIALLY_FILLED', brokerStatus: 'UPDATE', filledQuantity: 4 });
  const lines = [
    '# Events',
    '',
    '<!-- Generated from libs/events by `node -r @swc-node/register tools/docs/generate-events-doc.ts`. Do not edit by hand: change the schemas or the generator. -->',
    '',
    'The contract every Fillwire service speaks: one envelope, one versioned zod schema per event',
    '(`libs/events`, imported as `@fillwire/events`). `EventMap` maps each name to its payload type, so',
    'a `switch (envelope.type)` narrows `envelope.data`.',
    '',
    '## Envelope',
    '',
    ...fieldTable(envelopeRows),
    '',
    '- `createEnvelope(type, data, meta)` validates `data` against the current schema of `type`, fills `id`',
    '  (see below), `version`, `ts` and `receivedAt` (now, unless given: gateways pass their receipt time)',
    '  and copies `accountId`, `broker` and `key` from the payload. It throws an `EnvelopeError` listing each',
    '  bad field.',
    '- `parseEnvelope(unknown)` takes the object or its JSON text from the bus and returns a typed',
    '  envelope, or throws an `EnvelopeError` whose `reason` is `not-json`, `invalid-envelope`,',
    '  `unknown-type`, `unsupported-version` or `invalid-data` (`safeParseEnvelope` returns it instead, for',
    '  dead-lettering). Unknown payload fields are dropped.',
    '- **Versioning.** A consumer accepts exactly the versions its catalogue knows. Adding an optional field',
    '  keeps the version; anything else (a new required field, a changed meaning or type) is a new version',
    '  with its own schema, and is published only after every consumer knows it. A shipped name is never',
    '  renamed: add a new event instead.',
    '- **Priorities.** `critical` (order and trade events) before `normal` (positions, accounts, broker',
    '  connection) before `low` (notifications, OpenAlgo mirrors, timer) in the event engine; critical events',
    '  are never dropped when its queue is full.',
    '- **Kafka / frames.** `OPENALGO_EVENT_NAMES` gives the OpenAlgo-style name used on Socket.IO/WebSocket',
    '  frames and as Kafka `event_type`; names OpenAlgo already emits are kept verbatim.',
    '  `toOpenAlgoOrderUpdate(order)` builds its `order_update` payload.',
    '',
    '## Catalogue',
    '',
    ...catalogueSummary(),
    '',
    ...eventSections(),
    '## CanonicalOrder',
    '',
    'Every broker order update is normalized into this shape (money in rupees, times in epoch ms).',
    'Broker times are parsed with `parseBrokerTime`, which reads Kite and XTS texts as IST whatever the',
    "host's timezone (and repairs the local-time `Date`s the `kiteconnect` client returns).",
    '',
    ...fieldTable(orderRows),
    '',
    '### Status and rank',
    '',
    'Updates move an order up in rank, never down; the three terminal states share the top rank, so',
    'one never replaces another by rank.',
    '',
    '| status | rank |',
    '|---|---|',
    ...ORDER_STATUSES.map((s) => `| ${code(s)} | ${ORDER_STATUS_RANK[s]} |`),
    '',
    '### Modify and cancel in flight',
    '',
    'A pending modify or cancel is **not** a status. The order keeps the status and rank it has (OPEN,',
    'TRIGGER_PENDING or PARTIALLY_FILLED, by its fills) and `inFlight` says `modify` or `cancel`. Why:',
    'a cancel request can still end FILLED (the fill wins the race at the exchange), and a modification',
    'can be refused, leaving the order as it was. As statuses they would need a rank: ranked high, a',
    'later partial fill would look stale; ranked low, they would look like a step back. As a flag, the',
    'monotone merge stays simple, positions never depend on it, and screens can still show',
    '"cancelling…". The next settled update (MODIFIED/Replaced, OPEN, or a terminal state) clears it.',
    '',
    '### Kite status mapping',
    '',
    '`mapKiteStatus(status, { filledQuantity, quantity })`. Case and spacing are ignored. A non-terminal',
    'status with `filled_quantity > 0` is `PARTIALLY_FILLED` (Kite keeps `OPEN`, and sends `UPDATE`, for',
    'partial fills); FILLED only ever comes from `COMPLETE`, never from arithmetic.',
    '',
    ...statusTable(KITE_STATUS_TABLE, false),
    '',
    '### XTS status mapping',
    '',
    '`mapXtsStatus(status, { cumulativeQuantity, orderQuantity })`. Accepts the names in any casing and',
    'spacing and the numeric FIX OrdStatus codes (as numbers or digit strings). The other FIX codes in',
    '48..69 (51 DoneForDay, 55 Stopped, 57 Suspended, 66 Calculated, 67 Expired, 68 AcceptedForBidding)',
    'are not documented for XTS and are treated as unknown.',
    '',
    ...statusTable(XTS_STATUS_TABLE, true),
    '',
    '### Unknown statuses',
    '',
    'An unknown broker status is never dropped and never throws: the raw text stays in',
    '`order.brokerStatus`, the result is `known: false` (the gateway counts it in a warning metric and sets',
    '`statusKnown: false` on `order.updated`), and the status is the safe non-terminal guess: `PENDING`, or',
    '`PARTIALLY_FILLED` when fills are reported. A later known update moves the order on; reconciliation',
    "fixes it against the broker's order book.",
    '',
    '## Deterministic event ids',
    '',
    'The same broker update arriving by postback, Kite ticker, XTS socket or polling must get one id, so',
    'the bus (idempotent by id) carries it once; a different state of the same order gets a different id.',
    '`orderUpdateEventId(order)` = `<broker>-o-` + the first 32 hex digits of SHA-256 over the JSON array:',
    '',
    '```',
    '[broker, accountId, brokerOrderId, status, inFlight ?? null, filledQuantity, quantity, orderType,',
    ' price, triggerPrice, floor(brokerTimestamp / 1000) ?? null]',
    '```',
    '',
    '- `status` is the canonical status, so labels of one state collapse (`UPDATE` by postback and `OPEN`',
    '  from the order book for the same partial fill; `VALIDATION PENDING` and `OPEN PENDING`). An unknown',
    '  status appends its raw text (`PENDING?WEIRD`) so two unknown states stay apart.',
    '- quantity, price, trigger price and order type make a modification (Kite `UPDATE` with no new fill) a',
    '  new state; `inFlight` separates `MODIFY PENDING` from the state before it.',
    '- the broker time, to the second, separates a state that returns to earlier values (a refused',
    "  modification goes back to the old price). Seconds because Kite only has seconds and XTS's socket and",
    '  REST texts differ below that. It must be parsed with `parseBrokerTime` on every channel.',
    "- left out on purpose: checksum, app_id, receipt time, channel, the broker's status spelling, status",
    '  message, average price (follows from the fills), pending quantity (derived; XTS does not zero it).',
    '- limit: two distinct states with identical fields within the same broker second share an id; the',
    '  later one is deduplicated and reconciliation brings the order right.',
    '',
    'Example:',
    '',
    '```',
    orderStateFingerprint(example),
    orderUpdateEventId(example),
    '```',
    '',
    'Other deterministic ids: `tradeEventId` = `<broker>-t-` over `[broker, accountId, brokerOrderId, tradeId]`',
    '(Kite `trade_id`, XTS `ExecutionID`); `order.reconciled` = `<broker>-r-` over the corrected state',
    '(replicas reconciling the same difference publish once); `order.filled` / `order.cancelled` =',
    '`<broker>-f-` / `<broker>-c-` over `[broker, accountId, brokerOrderId]` (once per order). Everything',
    'else gets a ULID (`newEventId`, monotonic within a process). Ids never contain `:` because they double',
    'as BullMQ job ids for deliveries.',
    '',
    '## Merging order state',
    '',
    '`compareOrderState(current, incoming)` returns `newer`, `duplicate` or `stale`; gateways use it to mark',
    '`stale`, portfolio-manager to apply updates whatever the delivery order. It is a strict total order on,',
    'in turn: status rank; filled quantity (more wins); among terminal states FILLED > CANCELLED > REJECTED;',
    'broker second (later wins, none = oldest); OPEN after TRIGGER_PENDING; a settled state after an',
    'in-flight one; finally the fingerprint text, a fixed choice so every replica converges.',
    '`duplicate` exactly when both have the same id. Property tests check antisymmetry, transitivity, that',
    'nothing is replaced by a lower rank, and that any permutation with duplicates folds to the same state.',
    '',
  ];
  return lines.join('\n');
}
