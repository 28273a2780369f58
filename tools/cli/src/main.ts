import { runCli } from './run-cli';

// `npm run fillwire -- <command> ...`; Ctrl-C stops a running tail cleanly.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

void runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
}).then((code) => process.exit(code));
