import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { dockerIgnore } from './dockerignore';
import {
  execForm,
  findStage,
  parseDockerfile,
  parseEnvInstruction,
  substitute,
  type Dockerfile,
  type Stage,
} from './dockerfile';

/**
 * Executes a Dockerfile's build without a Docker engine: each stage gets a folder standing for its
 * filesystem root, `COPY` copies (honouring .dockerignore), `RUN` runs in the stage's WORKDIR with its
 * ENV and ARGs, `FROM <stage>` starts from a copy of that stage. What needs the base image itself
 * (system packages: `apt-get`...) is skipped and reported; everything the build produces is real, so a
 * file the final stage fails to copy is missing from its folder, as it would be from the image.
 */

export interface NativeBuildOptions {
  /** The build context (the repository root). */
  context: string;
  /** Dockerfile path; `<context>/Dockerfile` by default. */
  dockerfile?: string;
  buildArgs: Record<string, string>;
  /** Scratch folder; each stage's root is created in it. */
  workDir: string;
  /** Stage to build (name); the last one by default. */
  target?: string;
  /** The environment RUN steps start from (a build has no shell around it); process.env by default. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Extra environment for RUN steps (npm cache settings...). */
  env?: Record<string, string>;
  /** RUN steps that only set up the base image and are not executed natively. */
  isSystemStep?: (command: string) => boolean;
  stepTimeoutMs?: number;
}

export interface StageResult {
  name: string;
  /** Folder standing for the stage's `/`. */
  root: string;
  /** Image reference the stage starts from, when it is not another stage. */
  image?: string;
  /** WORKDIR, as a path in the container. */
  workdir: string;
  env: Record<string, string>;
  user?: string;
  cmd?: { exec?: string[]; shell?: string };
  healthcheck?: string;
}

export interface NativeBuildResult {
  final: StageResult;
  stages: Map<string, StageResult>;
  /** Every RUN step, in order, and whether it ran. */
  steps: Array<{ stage: string; command: string; ran: boolean; ms: number }>;
  /** Where every step's output went. */
  logFile: string;
}

export const skipSystemPackages = (command: string) => /^\s*(apt-get|apk|yum|dnf|microdnf)\b/.test(command);

/** The folder standing for container path `path` in a stage. */
export function hostPath(stage: Pick<StageResult, 'root'>, path: string): string {
  return join(stage.root, posix.resolve('/', path));
}

export async function buildNatively(options: NativeBuildOptions): Promise<NativeBuildResult> {
  const dockerfilePath = options.dockerfile ?? join(options.context, 'Dockerfile');
  const dockerfile = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
  const ignorePath = join(options.context, '.dockerignore');
  const ignored = existsSync(ignorePath) ? dockerIgnore(readFileSync(ignorePath, 'utf8')) : () => false;
  const isSystemStep = options.isSystemStep ?? skipSystemPackages;
  const logFile = join(options.workDir, 'build.log');
  mkdirSync(options.workDir, { recursive: true });

  const target = options.target ? findStage(dockerfile, options.target) : dockerfile.stages.at(-1);
  if (!target) throw new Error(`no stage ${options.target} in ${dockerfilePath}`);
  const needed = stagesNeededFor(dockerfile, target);

  const globalArgs: Record<string, string | undefined> = {};
  for (const [name, value] of dockerfile.globalArgs) globalArgs[name] = options.buildArgs[name] ?? value;

  const results = new Map<number, StageResult>();
  const steps: NativeBuildResult['steps'] = [];

  for (const stage of dockerfile.stages) {
    if (!needed.has(stage.index)) continue;
    const name = stage.name ?? String(stage.index);
    const from = substitute(stage.from, globalArgs);
    const parent = findStage(dockerfile, from);
    const root = join(options.workDir, `${stage.index}-${name}`);
    let current: StageResult;
    if (parent && parent.index < stage.index) {
      const base = results.get(parent.index)!;
      copyTree(base.root, root);
      current = { ...base, name, root, env: { ...base.env } };
    } else {
      mkdirSync(root, { recursive: true });
      current = { name, root, image: from, workdir: '/', env: {} };
    }
    const args: Record<string, string | undefined> = {};
    const vars = () => ({ ...current.env, ...args });

    for (const instruction of stage.instructions) {
      const where = `${basename(dockerfilePath)}:${instruction.line}`;
      switch (instruction.keyword) {
        case 'ARG': {
          const at = instruction.args.indexOf('=');
          const argName = (at < 0 ? instruction.args : instruction.args.slice(0, at)).trim();
          const fallback =
            at < 0
              ? globalArgs[argName]
              : instruction.args
                  .slice(at + 1)
                  .trim()
                  .replace(/^"(.*)"$/, '$1');
          args[argName] = options.buildArgs[argName] ?? fallback;
          break;
        }
        case 'ENV':
          for (const [key, value] of parseEnvInstruction(instruction.args))
            current.env[key] = substitute(value, vars());
          break;
        case 'WORKDIR':
          current.workdir = posix.resolve(current.workdir, substitute(instruction.args, vars()));
          mkdirSync(hostPath(current, current.workdir), { recursive: true });
          break;
        case 'USER':
          current.user = substitute(instruction.args, vars());
          break;
        case 'COPY': {
          const parts = execForm(instruction.args) ?? instruction.args.split(/\s+/);
          const [sources, destination] = [parts.slice(0, -1), parts.at(-1)!].map((p) =>
            Array.isArray(p) ? p.map((s) => substitute(s, vars())) : substitute(p, vars()),
          ) as [string[], string];
          const fromRef = instruction.flags.from;
          const fromStage = fromRef ? findStage(dockerfile, fromRef) : undefined;
          if (fromRef && !fromStage) throw new Error(`${where}: COPY --from=${fromRef} names no stage`);
          const destinationPath = posix.resolve(current.workdir, destination);
          const intoFolder = destination.endsWith('/') || sources.length > 1;
          for (const source of sources) {
            if (/[*?[]/.test(source)) throw new Error(`${where}: wildcards in COPY sources are not supported here`);
            let sourcePath: string;
            if (fromStage) {
              sourcePath = hostPath(results.get(fromStage.index)!, source);
            } else {
              sourcePath = join(options.context, posix.normalize(source));
              const rel = relative(options.context, sourcePath);
              if (rel.startsWith('..')) throw new Error(`${where}: ${source} is outside the build context`);
              if (rel && ignored(rel)) throw new Error(`${where}: ${source} is excluded by .dockerignore`);
            }
            if (!existsSync(sourcePath)) throw new Error(`${where}: COPY source ${source} not found`);
            const target = hostPath(current, destinationPath);
            if (statSync(sourcePath).isDirectory()) {
              if (fromStage) copyTree(sourcePath, target);
              else copyContext(options.context, sourcePath, target, ignored);
            } else {
              const file = intoFolder ? join(target, basename(sourcePath)) : target;
              mkdirSync(join(file, '..'), { recursive: true });
              cpSync(sourcePath, file);
            }
          }
          break;
        }
        case 'RUN': {
          const exec = execForm(instruction.args);
          const command = exec ? exec.join(' ') : instruction.args;
          if (isSystemStep(command)) {
            steps.push({ stage: name, command, ran: false, ms: 0 });
            appendFileSync(logFile, `\n### [${name}] skipped (base image setup): ${command}\n`);
            break;
          }
          if (current.workdir !== '/' && command.includes(current.workdir)) {
            throw new Error(
              `${where}: RUN refers to the container path ${current.workdir}; use paths relative to WORKDIR`,
            );
          }
          const started = Date.now();
          appendFileSync(logFile, `\n### [${name}] ${current.workdir}$ ${command}\n`);
          await runStep(exec ?? ['sh', '-c', command], {
            cwd: hostPath(current, current.workdir),
            env: { ...(options.baseEnv ?? process.env), ...options.env, ...current.env, ...definedOnly(args) },
            logFile,
            timeoutMs: options.stepTimeoutMs ?? 10 * 60_000,
            what: `${where} RUN ${command}`,
          });
          steps.push({ stage: name, command, ran: true, ms: Date.now() - started });
          break;
        }
        case 'CMD': {
          const exec = execForm(instruction.args);
          current.cmd = exec ? { exec } : { shell: instruction.args };
          break;
        }
        case 'HEALTHCHECK':
          current.healthcheck = instruction.args;
          break;
        case 'EXPOSE':
        case 'LABEL':
        case 'STOPSIGNAL':
        case 'VOLUME':
          break;
        default:
          throw new Error(`${where}: ${instruction.keyword} is not supported by the native build`);
      }
    }
    results.set(stage.index, current);
  }

  const stages = new Map([...results.values()].map((r) => [r.name, r]));
  return { final: results.get(target.index)!, stages, steps, logFile };
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The stages `target` is built from: its FROM chain and every COPY --from, recursively. */
function stagesNeededFor(dockerfile: Dockerfile, target: Stage): Set<number> {
  const needed = new Set<number>();
  const visit = (stage: Stage) => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const parent = findStage(dockerfile, stage.from);
    if (parent && parent.index < stage.index) visit(parent);
    for (const instruction of stage.instructions) {
      const from = instruction.keyword === 'COPY' ? instruction.flags.from : undefined;
      const source = from ? findStage(dockerfile, from) : undefined;
      if (source) visit(source);
    }
  };
  visit(target);
  return needed;
}

/** `cp -a source/. target/`: fast, keeps npm's workspace symlinks as they are. */
function copyTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  const result = spawnSync('cp', ['-a', `${source}/.`, `${target}/`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cp -a ${source} ${target}: ${result.stderr}`);
}

function copyContext(context: string, source: string, target: string, ignored: (rel: string) => boolean): void {
  mkdirSync(target, { recursive: true });
  cpSync(source, target, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (path) => {
      const rel = relative(context, path);
      return rel === '' || !ignored(rel);
    },
  });
}

function runStep(
  argv: string[],
  {
    cwd,
    env,
    logFile,
    timeoutMs,
    what,
  }: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutMs: number; what: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let tail = '';
    const keep = (chunk: Buffer) => {
      appendFileSync(logFile, chunk);
      tail = (tail + chunk.toString()).slice(-6000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}
