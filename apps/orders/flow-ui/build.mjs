// Bundles the flow page (app.ts + cytoscape + style.css) into dist/flow-ui, which Orders serves at
// /flow. Run by the orders build script; no CDN, nothing fetched at run time.
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const out = here('../dist/flow-ui/');

await mkdir(out, { recursive: true });
await build({
  entryPoints: [here('app.ts')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2022',
  outdir: out,
  logLevel: 'warning',
});
await copyFile(here('index.html'), `${out}index.html`);
