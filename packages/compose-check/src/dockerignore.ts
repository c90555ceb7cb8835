/**
 * `.dockerignore` matching as BuildKit does it: patterns relative to the context root (a leading `/`
 * is ignored), `*` and `?` within one path segment, `**` across segments, `!` re-includes, the last
 * matching pattern wins, and a pattern that matches a folder excludes everything below it.
 */
export function dockerIgnore(text: string): (relativePath: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, regex: new RegExp(`^${toRegex(pattern)}(?:/.*)?$`) };
    });
  return (relativePath: string) => {
    const path = relativePath.split('\\').join('/').replace(/^\.\//, '');
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(path)) ignored = !rule.negated;
    return ignored;
  };
}

function toRegex(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` anything.
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
