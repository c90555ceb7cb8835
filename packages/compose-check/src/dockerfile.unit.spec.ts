import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolate, InterpolationError } from './compose-file';
import { execForm, parseDockerfile, parseEnvInstruction, substitute } from './dockerfile';
import { dockerIgnore } from './dockerignore';
import { repoRoot } from './repo';

const root = repoRoot();
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!;
const runs = (name: string) =>
  stage(name)
    .instructions.filter((i) => i.keyword === 'RUN')
    .map((i) => i.args);

describe('Dockerfile', () => {
  it('prunes, builds and runs in stages from a small Node image that meets the engines field', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['base', 'prune', 'build', 'runtime']);
    const image = dockerfile.globalArgs.get('NODE_IMAGE')!;
    const [, major] = /^node:(\d+)(?:\.\d+)*-(?:slim|alpine)/.exec(image) ?? [];
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    expect(Number(major)).toBeGreaterThanOrEqual(Number(/\d+/.exec(engines)![0]));
    expect(stage('base').from).toBe('${NODE_IMAGE}');
    expect(stage('runtime').from).toBe('base');
  });

  it('prunes with the turbo version of the lockfile, installs from the lockfile and keeps production dependencies only', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const turboArg = stage('prune').instructions.find(
      (i) => i.keyword === 'ARG' && i.args.startsWith('TURBO_VERSION='),
    );
    expect(turboArg?.args).toBe(`TURBO_VERSION=${lock.packages['node_modules/turbo']!.version}`);
    expect(runs('prune').join('\n')).toMatch(/turbo@\$\{TURBO_VERSION\}" prune "@loja\/\$\{APP\}" --docker/);
    expect(runs('build')).toEqual([
      'npm ci',
      expect.stringMatching(/^npx --no-install turbo run build --filter="@loja\/\$\{APP\}"/),
      'npm prune --omit=dev',
    ]);
  });

  it('runs migrations then the service, as an unprivileged user, from the app folder', () => {
    const runtime = stage('runtime').instructions;
    const user = runtime.filter((i) => i.keyword === 'USER').at(-1)?.args;
    expect(user).toBeTruthy();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args).toBe('/app/apps/${APP}');
    const cmd = execForm(runtime.find((i) => i.keyword === 'CMD')!.args)!;
    expect(cmd.slice(0, 2)).toEqual(['sh', '-c']);
    expect(cmd[2]).toMatch(/^npx --no-install prisma migrate deploy && exec node dist\/main\.js$/);
    expect(runtime.find((i) => i.keyword === 'ENV')!.args).toMatch(/NODE_ENV=production/);
    // Only build output comes from the build stage; from the context, only the healthcheck script.
    const fromContext = runtime.filter((i) => i.keyword === 'COPY' && !i.flags.from).map((i) => i.args);
    expect(fromContext).toEqual(['infra/docker/healthcheck.js ./healthcheck.js']);
  });

  it('keeps dependencies, build output and secrets out of the build context', () => {
    const ignored = dockerIgnore(readFileSync(join(root, '.dockerignore'), 'utf8'));
    for (const path of [
      'node_modules',
      'node_modules/x/index.js',
      'apps/orders/node_modules/y',
      'apps/orders/dist/main.js',
      'apps/orders/src/generated/prisma/client.ts',
      '.env',
      '.env.local',
      '.git/HEAD',
      'packages/messaging/.turbo/turbo-build.log',
    ]) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of [
      'package.json',
      'package-lock.json',
      'turbo.json',
      'apps/orders/src/main.ts',
      'apps/orders/prisma/schema.prisma',
      'infra/docker/healthcheck.js',
      '.env.example',
    ]) {
      expect(ignored(path), path).toBe(false);
    }
  });
});

describe('Dockerfile reader', () => {
  it('joins continuations, drops comments, scopes global ARGs and reads flags', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG IMAGE=node:20-slim',
        'FROM ${IMAGE} AS one',
        'RUN echo a \\',
        '  # a comment inside',
        '  && echo b',
        'FROM one',
        'COPY --from=one --chown=node:node /app ./',
      ].join('\n'),
    );
    expect(parsed.globalArgs.get('IMAGE')).toBe('node:20-slim');
    expect(parsed.stages[0]!.instructions[0]).toMatchObject({ keyword: 'RUN', args: 'echo a && echo b', line: 4 });
    expect(parsed.stages[1]).toMatchObject({ from: 'one', name: undefined });
    expect(parsed.stages[1]!.instructions[0]).toMatchObject({
      keyword: 'COPY',
      args: '/app ./',
      flags: { from: 'one', chown: 'node:node' },
    });
  });

  it('substitutes variables and reads ENV pairs', () => {
    expect(substitute('/app/apps/${APP}/$APP ${MISSING:-x} ${APP:+y}', { APP: 'orders' })).toBe(
      '/app/apps/orders/orders x y',
    );
    expect(parseEnvInstruction('A=1 B="two words" C=$X')).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', '$X'],
    ]);
    expect(parseEnvInstruction('LEGACY some value')).toEqual([['LEGACY', 'some value']]);
    expect(execForm('["sh", "-c", "x"]')).toEqual(['sh', '-c', 'x']);
    expect(execForm('npm ci')).toBeUndefined();
  });
});

describe('compose interpolation', () => {
  it('follows the compose rules for defaults, required values and escapes', () => {
    const env = { SET: 'v', EMPTY: '' };
    expect(interpolate('${SET} $SET ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:+alt} $${SET}', env)).toBe(
      'v v d d  alt ${SET}',
    );
    expect(() => interpolate('${EMPTY:?set it}', env)).toThrow(InterpolationError);
    expect(interpolate('${EMPTY?set it}', env)).toBe('');
  });
});

describe('.dockerignore reader', () => {
  it('matches like BuildKit: ** across folders, last rule wins, ! re-includes', () => {
    const ignored = dockerIgnore('**/dist\n*.md\n!README.md\n/secret\nbuild/*.tmp\n');
    expect(ignored('dist')).toBe(true);
    expect(ignored('a/b/dist/x.js')).toBe(true);
    expect(ignored('CHANGES.md')).toBe(true);
    expect(ignored('README.md')).toBe(false);
    expect(ignored('docs/CHANGES.md')).toBe(false);
    expect(ignored('secret/key')).toBe(true);
    expect(ignored('build/a.tmp')).toBe(true);
    expect(ignored('build/sub/a.tmp')).toBe(false);
    expect(ignored('distant')).toBe(false);
  });
});
