import { parsePromText } from './prom-text';

describe('parsePromText', () => {
  it('reads names, labels (with escapes), values and skips comments', () => {
    const text = [
      '# HELP fillwire_ws_clients Authenticated WebSocket clients',
      '# TYPE fillwire_ws_clients gauge',
      'fillwire_ws_clients{service="notifier"} 3',
      'fillwire_x_bucket{le="+Inf",route="/a \\"b\\"\\\\c"} 12 1700000000000',
      'process_start_time_seconds 1700000000.5',
      'fillwire_y{le="0.1"} +Inf',
      '',
    ].join('\n');
    expect(parsePromText(text)).toEqual([
      { name: 'fillwire_ws_clients', labels: { service: 'notifier' }, value: 3 },
      { name: 'fillwire_x_bucket', labels: { le: '+Inf', route: '/a "b"\\c' }, value: 12 },
      { name: 'process_start_time_seconds', labels: {}, value: 1700000000.5 },
      { name: 'fillwire_y', labels: { le: '0.1' }, value: Infinity },
    ]);
  });

  it('refuses what is not the text format', () => {
    expect(() => parsePromText('<html>')).toThrow(/not a Prometheus sample/);
    expect(() => parsePromText('a{b="c} 1')).toThrow(/unterminated/);
    expect(() => parsePromText('a 1x')).toThrow(/bad value/);
  });
});
