import { createServer, request as httpRequest, type Server } from 'node:http';
import { freePort } from '@fillwire/testing';

/**
 * An HTTP proxy in front of the simulator that holds back the response of chosen requests: the
 * broker has done the work, the caller times out (an ambiguous broker timeout).
 */
export async function startDelayProxy(target: string, delayFor: (method: string, path: string) => number): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const proxied = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (c: Buffer) => chunks.push(c));
        upstreamRes.on('end', () => {
          const send = () => {
            if (res.destroyed) return;
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(Buffer.concat(chunks));
          };
          const delay = delayFor(req.method ?? 'GET', req.url ?? '/');
          if (delay > 0) setTimeout(send, delay).unref();
          else send();
        });
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  });
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
