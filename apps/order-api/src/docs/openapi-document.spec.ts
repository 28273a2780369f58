import { openApiDocument, openApiHtml } from './openapi-document';

describe('openApiDocument', () => {
  it('describes the native body from its zod schema, with every field', () => {
    const doc = openApiDocument() as { components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> }; paths: Record<string, unknown> };
    const place = doc.components.schemas.PlaceOrder;
    expect(Object.keys(place.properties)).toEqual(
      expect.arrayContaining(['accountId', 'symbol', 'exchange', 'side', 'quantity', 'orderType', 'product', 'price', 'triggerPrice', 'validity', 'tag', 'stopLoss', 'target', 'trailing']),
    );
    expect(place.required.sort()).toEqual(['accountId', 'exchange', 'orderType', 'product', 'quantity', 'side', 'symbol']);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/{id}', '/api/v1/placeorder', '/api/v1/positionbook', '/v1/brokers/zerodha/login', '/v1/brokers/zerodha/callback']),
    );
  });

  it('renders a page without external resources', () => {
    const html = openApiHtml(openApiDocument());
    expect(html).toContain('/v1/orders');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
  });
});
