/**
 * A Dockerfile read into stages and instructions, with BuildKit's rules for what the checks and the
 * native runner need: line continuations, comments, `ARG` scoping (global ARGs only feed `FROM` unless
 * re-declared in a stage), `${VAR}` / `${VAR:-default}` substitution, JSON (exec) and shell forms.
 */

export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuations joined. */
  args: string;
  /** `--from=build`, `--chown=node:node`... */
  flags: Record<string, string>;
  /** Line number of the instruction's first line. */
  line: number;
}

export interface Stage {
  index: number;
  name?: string;
  /** `FROM` argument as written (e.g. `${NODE_IMAGE}` or `base`). */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

function logicalLines(text: string): Array<{ text: string; line: number }> {
  const result: Array<{ text: string; line: number }> = [];
  let current: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (!current && (trimmed === '' || trimmed.startsWith('#'))) return;
    // Comment lines inside a continued instruction are dropped, as BuildKit does.
    if (current && trimmed.startsWith('#')) return;
    const continues = /\\\s*$/.test(raw);
    const piece = continues ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += ` ${piece.trim()}`;
    else current = { text: piece.trim(), line: i + 1 };
    if (!continues) {
      result.push(current);
      current = undefined;
    }
  });
  if (current) result.push(current);
  return result;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/s.exec(lineText);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    let rest = match[2]!;
    const flags: Record<string, string> = {};
    if (keyword !== 'RUN' || rest.startsWith('--')) {
      for (;;) {
        const flag = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
        if (!flag) break;
        flags[flag[1]!] = flag[2] ?? 'true';
        rest = rest.slice(flag[0].length);
      }
    }
    const instruction: Instruction = { keyword, args: rest.trim(), flags, line };
    if (keyword === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      stages.push({
        index: stages.length,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        from: from!,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (keyword === 'ARG') {
        const [name, value] = splitAssignment(instruction.args);
        globalArgs.set(name, value);
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function splitAssignment(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text.trim(), undefined] : [text.slice(0, at).trim(), unquote(text.slice(at + 1).trim())];
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/s.exec(value);
  return quoted ? quoted[2]! : value;
}

/** `${VAR}`, `${VAR:-default}`, `${VAR:+alt}`, `$VAR` against `vars` (unknown ones become empty). */
export function substitute(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      const value = vars[(braced ?? bare)!];
      if (op === '-') return value ? value : (arg ?? '');
      if (op === '+') return value ? (arg ?? '') : '';
      return value ?? '';
    },
  );
}

/** `ENV a=1 b="two words"` (or the legacy `ENV a 1`) as pairs. */
export function parseEnvInstruction(args: string): Array<[string, string]> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return [[name!, value.join(' ')]];
  }
  const pairs: Array<[string, string]> = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
  for (const match of args.matchAll(pattern)) pairs.push([match[1]!, unquote(match[2]!)]);
  return pairs;
}

/** A JSON (exec form) argument list, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The stage a `FROM` or `--from=` refers to, when it is an earlier stage and not an image. */
export function findStage(dockerfile: Dockerfile, reference: string): Stage | undefined {
  return dockerfile.stages.find((s) => s.name === reference || String(s.index) === reference);
}
