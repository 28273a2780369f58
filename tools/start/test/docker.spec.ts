import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT as ROOT } from '@fillwire/testing';

// No Docker engine runs here: check what can be checked without one.
const APPS = ['order-api', 'notifier', 'zerodha-postback', 'jainam-gateway', 'portfolio-manager'];
const SCALED = ['portfolio-manager', 'notifier'];

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  container_name?: string;
  profiles?: string[];
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker/compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const MONITORING = ['prometheus', 'grafana'];
const dockerfile = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
let ENTRIES: Record<string, string> = {};
beforeAll(async () => {
  ({ ENTRIES } = (await import(join(ROOT, 'docker/build.js'))) as { ENTRIES: Record<string, string> });
});

describe('docker/compose.yml', () => {
  // The default stack; profiled services (monitoring) are checked in monitoring.spec.ts.
  const services = Object.fromEntries(Object.entries(compose.services).filter(([, s]) => !s.profiles));

  it('runs Redis with AOF and noeviction, the five services and the simulators', () => {
    expect(Object.keys(services).sort()).toEqual([...APPS, 'broker-sim', 'notifier-edge', 'redis'].sort());
    const redis = services.redis.command!.join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--appendfsync everysec');
    expect(redis).toContain('--maxmemory-policy noeviction');
    expect(services.redis.volumes).toEqual(['redis-data:/data']);
  });

  it('builds every app from the one Dockerfile with its name as APP', () => {
    for (const app of [...APPS, 'broker-sim']) {
      expect(services[app].build).toEqual({
        context: '..',
        dockerfile: 'docker/Dockerfile',
        args: { APP: app },
      });
      expect(Object.keys(ENTRIES)).toContain(app);
    }
  });

  it('gives every service a health check and starts apps only after Redis is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Array.isArray(service.healthcheck?.test)]).toEqual([name, true]);
    }
    for (const app of [...APPS, 'broker-sim']) {
      expect(services[app].depends_on?.redis).toEqual({ condition: 'service_healthy' });
      expect(services[app].environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', HOST: '0.0.0.0' });
    }
    for (const gateway of ['order-api', 'zerodha-postback', 'jainam-gateway']) {
      expect(services[gateway].depends_on?.['broker-sim']).toEqual({ condition: 'service_healthy' });
    }
    expect(services['notifier-edge'].depends_on?.notifier).toEqual({ condition: 'service_healthy' });
    expect(services['broker-sim'].environment).toMatchObject({ SIM_HOST: '0.0.0.0' });
  });

  it('can scale: no fixed container names, no host ports on scaled services, no host port used twice', () => {
    const hostPorts: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.container_name]).toEqual([name, undefined]);
      for (const mapping of service.ports ?? []) hostPorts.push(mapping.split(':')[0]);
    }
    for (const name of SCALED) expect([name, services[name].ports]).toEqual([name, undefined]);
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    expect(hostPorts.sort()).toEqual(['3000', '3001', '3002', '3003', '3100', '3101']);
    for (const name of MONITORING) {
      expect([name, compose.services[name].profiles]).toEqual([name, ['monitoring']]);
      for (const mapping of compose.services[name].ports ?? []) hostPorts.push(mapping.split(':')[0]);
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('publishes the public ports of the interface table', () => {
    expect(services['order-api'].ports).toEqual(['3000:3000']);
    expect(services['notifier-edge'].ports).toEqual(['3001:3001']);
    expect(services['notifier-edge'].volumes).toEqual([
      './nginx/notifier-edge.conf:/etc/nginx/conf.d/default.conf:ro',
    ]);
    expect(readFileSync(join(ROOT, 'docker/nginx/notifier-edge.conf'), 'utf8')).toContain(
      'proxy_set_header Upgrade',
    );
  });
});

describe('docker/Dockerfile', () => {
  const stages = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('is multi-stage and parameterised by APP', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^ARG APP$/m);
    expect(dockerfile).toContain('node docker/build.js "$APP" /out');
  });

  it('ships production dependencies only and runs as a non-root user with an exec-form CMD', () => {
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(final).toMatch(/^USER node$/m);
    expect(final).not.toMatch(/^USER root$/m);
    const cmd = /^CMD (.+)$/m.exec(final)?.[1];
    expect(JSON.parse(cmd!)).toEqual(['node', 'main.js']);
    expect(final).toMatch(/^HEALTHCHECK .* CMD \["node", "healthcheck.js"\]$/m);
  });
});
