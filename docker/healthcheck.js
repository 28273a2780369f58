// Container health probe without curl: `node healthcheck.js [http://host:port/path | tcp:port]`.
// Default: GET http://127.0.0.1:$PORT/health (the services' liveness endpoint).
'use strict';

const net = require('node:net');

const target = process.argv[2] || `http://127.0.0.1:${process.env.PORT || 3000}/health`;
const done = (ok) => process.exit(ok ? 0 : 1);
setTimeout(() => done(false), 2500).unref();

if (target.startsWith('tcp:')) {
  const socket = net.connect({ host: '127.0.0.1', port: Number(target.slice(4)) });
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
} else {
  fetch(target).then(
    (res) => done(res.ok),
    () => done(false),
  );
}
