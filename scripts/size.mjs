// Prints the release bundle's size: wasm, JS and CSS, raw, gzip and brotli (maximum levels),
// as a Markdown table. Run after a release build: `make size`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const kinds = { '.wasm': 'wasm', '.js': 'JS', '.css': 'CSS', '.html': 'HTML' };
const rows = [];
const totals = { raw: 0, gzip: 0, brotli: 0 };
for (const name of readdirSync(dir).sort()) {
  const kind = kinds[extname(name)];
  if (!kind) continue;
  const data = readFileSync(join(dir, name));
  const gzip = gzipSync(data, { level: 9 }).length;
  const brotli = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  rows.push([kind, name.replace(/-[0-9a-f]{16}(?=[._])/, ''), data.length, gzip, brotli]);
  totals.raw += data.length;
  totals.gzip += gzip;
  totals.brotli += brotli;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log('| file | kind | raw | gzip | brotli |');
console.log('|---|---|---:|---:|---:|');
for (const [kind, name, raw, gz, br] of rows) console.log(`| ${name} | ${kind} | ${kb(raw)} | ${kb(gz)} | ${kb(br)} |`);
console.log(`| **total** | | **${kb(totals.raw)}** | **${kb(totals.gzip)}** | **${kb(totals.brotli)}** |`);
