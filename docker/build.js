#!/usr/bin/env node
// Compiles one service (and the libs) from TypeScript to CommonJS for its container image, so the
// image runs plain `node main.js` with production dependencies only (no typescript, no swc-node).
// Usage: node docker/build.js <app> <outDir>    (app: a folder of apps/, or broker-sim)
'use strict';

const { builtinModules } = require('node:module');
const {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join, relative, resolve } = require('node:path');
const swc = require('@swc/core');

const ROOT = resolve(__dirname, '..');
const ENTRIES = {
  'order-api': 'apps/order-api/src/main.ts',
  notifier: 'apps/notifier/src/main.ts',
  'zerodha-postback': 'apps/zerodha-postback/src/main.ts',
  'jainam-gateway': 'apps/jainam-gateway/src/main.ts',
  'portfolio-manager': 'apps/portfolio-manager/src/main.ts',
  'broker-sim': 'tools/broker-sim/src/main.ts',
};
const TEST_FILE = /\.(spec|int-spec|e2e-spec|property\.spec)\.ts$|\.d\.ts$/;

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: false,
  swcrc: false,
  configFile: false,
};

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'test') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

function compileTree(srcDir, outDir) {
  for (const file of walk(srcDir)) {
    const rel = relative(ROOT, file);
    const target = join(outDir, rel);
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.ts')) {
      if (TEST_FILE.test(file)) continue;
      const { code } = swc.transformFileSync(file, { ...SWC_OPTIONS, filename: file });
      writeFileSync(target.replace(/\.ts$/, '.js'), code);
    } else if (!/\.(spec|e2e-spec|int-spec)\./.test(file)) {
      copyFileSync(file, target);
    }
  }
}

/** node_modules/@fillwire/<lib> → the compiled lib, replacing the tsconfig path aliases. */
function writeAliasShims(outDir) {
  const { paths } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')).compilerOptions;
  for (const [alias, [target]] of Object.entries(paths)) {
    const shimDir = join(outDir, 'node_modules', alias);
    mkdirSync(shimDir, { recursive: true });
    const compiled = relative(shimDir, join(outDir, target.replace(/\.ts$/, '.js')));
    writeFileSync(join(shimDir, 'index.js'), `module.exports = require(${JSON.stringify(compiled)});\n`);
  }
}

/** Every package the entry can reach must be a production dependency, or the pruned image breaks. */
function checkRuntimeDependencies(outDir, entry) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), ...builtinModules]);
  const seen = new Set();
  const missing = new Set();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, spec] of code.matchAll(/require\("([^"]+)"\)/g)) {
      if (spec.startsWith('.')) {
        const base = resolve(dirname(file), spec);
        const found = [`${base}.js`, join(base, 'index.js'), base].find(
          (p) => existsSync(p) && statSync(p).isFile(),
        );
        if (found) queue.push(found);
        else if (!spec.endsWith('.json')) missing.add(`${spec} (from ${relative(outDir, file)})`);
      } else if (spec.startsWith('@fillwire/')) {
        queue.push(join(outDir, 'node_modules', spec, 'index.js'));
      } else if (spec.startsWith('node:')) {
        continue;
      } else {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!allowed.has(name)) missing.add(`${name} (from ${relative(outDir, file)})`);
      }
    }
  }
  return [...missing];
}

function build(app, outDir) {
  const entry = ENTRIES[app];
  if (!entry) throw new Error(`unknown app "${app}"; one of ${Object.keys(ENTRIES).join(', ')}`);
  if (!existsSync(join(ROOT, entry))) throw new Error(`${entry} does not exist`);
  rmSync(outDir, { recursive: true, force: true });
  compileTree(join(ROOT, 'libs'), outDir);
  compileTree(join(ROOT, dirname(dirname(entry))), outDir);
  writeAliasShims(outDir);
  const main = join(outDir, entry.replace(/\.ts$/, '.js'));
  writeFileSync(join(outDir, 'main.js'), `require(${JSON.stringify(`./${relative(outDir, main)}`)});\n`);
  const missing = checkRuntimeDependencies(outDir, main);
  if (missing.length > 0) {
    throw new Error(`${app} needs packages that are not production dependencies:\n  ${missing.join('\n  ')}`);
  }
}

if (require.main === module) {
  const [app, out] = process.argv.slice(2);
  if (!app || !out) {
    process.stderr.write('usage: node docker/build.js <app> <outDir>\n');
    process.exit(2);
  }
  try {
    build(app, resolve(out));
    process.stdout.write(`built ${app} into ${out}\n`);
  } catch (err) {
    process.stderr.write(`docker/build.js: ${err.message}\n`);
    process.exit(1);
  }
}

module.exports = { build, ENTRIES };
