// npm records an optional platform package (@swc/core-darwin-arm64, turbo-windows-64, …) in
// package-lock.json only when its registry can describe it; a registry mirror that lacks foreign
// platforms leaves them out, and `npm ci` then refuses the lock everywhere. This adds the missing
// entries (name, version, os/cpu) so every platform installs from the same lock and skips the others.
//   node scripts/complete-lockfile.mjs          complete package-lock.json in place
//   node scripts/complete-lockfile.mjs --check  exit 1, naming them, if entries are missing
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const platform = (name) => ({
  os: /darwin/.test(name) ? ['darwin'] : /win32|windows/.test(name) ? ['win32'] : /linux/.test(name) ? ['linux'] : /freebsd/.test(name) ? ['freebsd'] : undefined,
  cpu: /arm64/.test(name) ? ['arm64'] : /x64|-64\b/.test(name) ? ['x64'] : /ia32/.test(name) ? ['ia32'] : /ppc64/.test(name) ? ['ppc64'] : /s390x/.test(name) ? ['s390x'] : /arm/.test(name) ? ['arm'] : undefined,
});

const missing = [];
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || missing.some((m) => m.key === key)) continue;
    const { os, cpu } = platform(name);
    missing.push({ key, entry: { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...(os ? { os } : {}), ...(cpu ? { cpu } : {}) } });
  }
}

if (process.argv.includes('--check')) {
  if (missing.length) {
    console.error(`package-lock.json lacks ${missing.length} optional platform package(s): ${missing.map((m) => m.key.slice(13)).join(', ')}\nrun: node scripts/complete-lockfile.mjs`);
    process.exit(1);
  }
  process.exit(0);
}
for (const { key, entry } of missing) lock.packages[key] = entry;
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${missing.length} optional platform package(s) to package-lock.json`);
