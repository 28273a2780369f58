import { z } from 'zod';
import { FlagsChangeSchema } from '../flags/flags-change.schema';
import { OaBookSchema, OaModifyOrderSchema, OaOrderIdSchema, OaPlaceOrderSchema } from '../openalgo/openalgo.schema';
import { ModifyOrderBodySchema, PlaceOrderBodySchema } from '../orders/order-request.schema';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const ok = (description: string) => ({ description });
const errors = {
  400: ok('invalid request: `issues` lists each bad field; the broker was not called'),
  401: ok('missing or invalid API key / session token'),
  404: ok('no such order or account for this user'),
  429: ok('per-account order rate exceeded; see Retry-After'),
  502: ok('the broker failed or its session is invalid'),
  503: ok('the broker is unavailable'),
  504: ok('the broker did not answer in time and the order was not found by its tag; retry with the same Idempotency-Key'),
};
const bearer = [{ bearer: [] }];
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const accountParam = [{ name: 'accountId', in: 'query', required: false, schema: { type: 'string' } }];
const oa = (summary: string, ref: string) => ({
  post: { tags: ['OpenAlgo'], summary, requestBody: json(ref), responses: { 200: ok('{status: "success", ...}'), 400: ok('{status: "error", message}'), 403: ok('Invalid openalgo apikey') } },
});

/** The OpenAPI document, generated from the same zod schemas the controllers validate with. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'Fillwire order-api', version: '1', description: 'Native /v1 API and OpenAlgo-compatible /api/v1.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key or session token' } },
      schemas: {
        PlaceOrder: schema(PlaceOrderBodySchema),
        ModifyOrder: schema(ModifyOrderBodySchema),
        FlagsChange: schema(FlagsChangeSchema),
        OaPlaceOrder: schema(OaPlaceOrderSchema),
        OaModifyOrder: schema(OaModifyOrderSchema),
        OaOrderId: schema(OaOrderIdSchema),
        OaBook: schema(OaBookSchema),
      },
    },
    paths: {
      '/v1/orders': {
        post: {
          tags: ['orders'],
          summary: 'Place an order',
          security: bearer,
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }],
          requestBody: json('PlaceOrder'),
          responses: { 201: ok('placed: {orderId, broker, accountId, status: PENDING, clientTag, ...}'), 422: ok('Idempotency-Key reused with another body'), ...errors },
        },
        get: { tags: ['orders'], summary: "The caller's orders", security: bearer, parameters: accountParam, responses: { 200: ok('{orders}'), ...errors } },
      },
      '/v1/orders/{id}': {
        get: { tags: ['orders'], summary: 'One order with its timeline', security: bearer, parameters: idParam, responses: { 200: ok('order + timeline'), ...errors } },
        patch: { tags: ['orders'], summary: 'Modify', security: bearer, parameters: idParam, requestBody: json('ModifyOrder'), responses: { 200: ok('{orderId, status: accepted}'), ...errors } },
        delete: { tags: ['orders'], summary: 'Cancel', security: bearer, parameters: idParam, responses: { 200: ok('{orderId, status: accepted}'), ...errors } },
      },
      '/v1/trades': { get: { tags: ['orders'], summary: 'Trades', security: bearer, parameters: accountParam, responses: { 200: ok('{trades}'), ...errors } } },
      '/v1/positions': { get: { tags: ['orders'], summary: 'Positions', security: bearer, parameters: accountParam, responses: { 200: ok('{positions}'), ...errors } } },
      '/v1/brokers/zerodha/login': {
        get: {
          tags: ['brokers'],
          summary: "Start the day's Kite login for one of your Zerodha accounts",
          security: bearer,
          parameters: [{ ...accountParam[0], required: true }],
          responses: {
            302: ok('to Kite (KITE_LOGIN_URL) with v=3, api_key and redirect_params=state=<single-use nonce, 10 min>'),
            200: ok('with Accept: application/json: {accountId, loginUrl, stateExpiresAt}'),
            401: errors[401],
            404: errors[404],
          },
        },
      },
      '/v1/brokers/zerodha/callback': {
        get: {
          tags: ['brokers'],
          summary: 'Where Kite redirects after the login (register this URL in the Kite developer console)',
          parameters: ['status', 'request_token', 'state'].map((name) => ({ name, in: 'query', required: name !== 'request_token', schema: { type: 'string' } })),
          responses: {
            200: ok('session stored until the next 06:00 IST: an HTML page, or {status: connected, accountId, expiresAt} as JSON'),
            400: ok('unknown/used/expired state, status≠success, Kite refused the token, or the Kite user is not the account; nothing stored'),
          },
        },
      },
      '/v1/brokers/zerodha/session': {
        get: {
          tags: ['brokers'],
          summary: 'Whether the account has a Kite session, and until when (no accountId: all your Zerodha accounts)',
          security: bearer,
          parameters: accountParam,
          responses: { 200: ok('{accountId, broker, active, expiresAt, demoLogin, loginPath}, or {sessions: [...]} without accountId'), 401: errors[401], 404: errors[404] },
        },
      },
      '/v1/sessions': { post: { tags: ['identity'], summary: 'Session token for the API key', security: bearer, responses: { 201: ok('{token, expiresAt, userId}'), 401: errors[401] } } },
      '/v1/me/mode': { get: { tags: ['flags'], summary: "The caller's order-update mode", security: bearer, responses: { 200: ok('{mode, reason, bucket}') } } },
      '/v1/admin/flags': {
        get: { tags: ['flags'], summary: 'Rollout flags (admin)', security: bearer, responses: { 200: ok('flags'), 403: ok('not an admin') } },
        patch: { tags: ['flags'], summary: 'Change rollout flags (admin)', security: bearer, requestBody: json('FlagsChange'), responses: { 200: ok('{flags, changed}'), 403: ok('not an admin') } },
      },
      '/v1/admin/flags/rollback': { post: { tags: ['flags'], summary: 'Everyone back to polling (admin)', security: bearer, responses: { 200: ok('{flags, changed}') } } },
      '/api/v1/placeorder': oa('OpenAlgo placeorder', 'OaPlaceOrder'),
      '/api/v1/modifyorder': oa('OpenAlgo modifyorder', 'OaModifyOrder'),
      '/api/v1/cancelorder': oa('OpenAlgo cancelorder', 'OaOrderId'),
      '/api/v1/orderstatus': oa('OpenAlgo orderstatus', 'OaOrderId'),
      '/api/v1/orderbook': oa('OpenAlgo orderbook', 'OaBook'),
      '/api/v1/tradebook': oa('OpenAlgo tradebook', 'OaBook'),
      '/api/v1/positionbook': oa('OpenAlgo positionbook', 'OaBook'),
    },
  };
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A self-contained HTML page (no CDN: no network at runtime) listing the operations and schemas. */
export function openApiHtml(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, { summary?: string; tags?: string[] }>>;
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary ?? '')}</td></tr>`),
  );
  const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
  const blocks = Object.entries(schemas).map(([name, s]) => `<h3 id="${name}">${name}</h3><pre>${escape(JSON.stringify(s, null, 2))}</pre>`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>Fillwire order-api</title>
<style>body{font:14px system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}td{padding:4px 10px;border-bottom:1px solid #ddd}pre{background:#f6f6f6;padding:8px;overflow:auto}</style>
</head><body><h1>Fillwire order-api</h1><p>OpenAPI document: <a href="/docs/openapi.json">/docs/openapi.json</a></p>
<table>${rows.join('')}</table><h2>Schemas</h2>${blocks.join('')}</body></html>`;
}
