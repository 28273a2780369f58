/**
 * Runs the official KiteTicker against the simulator and prints one JSON line per event. It lives
 * in its own process because KiteTicker keeps module-global state and its disconnect() calls
 * process.exit: the parent test kills this process instead of disconnecting.
 */
import { KiteTicker } from 'kiteconnect';

// `root` is honoured at runtime but missing from the published typings.
const params: ConstructorParameters<typeof KiteTicker>[0] & { root: string } = {
  api_key: process.env.KITE_API_KEY ?? '',
  access_token: process.env.KITE_ACCESS_TOKEN ?? '',
  root: process.env.KITE_TICKER_ROOT ?? '',
};
const ticker = new KiteTicker(params);
const tokens = (process.env.KITE_TOKENS ?? '').split(',').map(Number);
const out = (event: string, data?: unknown) => process.stdout.write(`${JSON.stringify({ event, data })}\n`);

ticker.on('connect', () => {
  ticker.subscribe(tokens);
  ticker.setMode(ticker.modeFull, tokens);
  out('connect');
});
ticker.on('ticks', (ticks: unknown) => out('ticks', ticks));
ticker.on('order_update', (order: unknown) => out('order_update', order));
ticker.on('disconnect', () => out('disconnect'));
ticker.on('error', () => out('error'));
ticker.connect();
