// Trunk post-build hook: hash every inline <script> of the staged index.html and put the
// hashes into the Content-Security-Policy meta tag in place of SCRIPT_HASHES. Trunk's loader is
// the only inline script; hashing it keeps 'unsafe-inline' out of the policy.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error('csp.mjs: set TRUNK_STAGING_DIR or pass the dist folder');
  process.exit(2);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
  .map((m) => m[1])
  .filter((body) => body.trim() !== '')
  .map((body) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
const meta = /(http-equiv="Content-Security-Policy"\s+content="[^"]*?)SCRIPT_HASHES/;
if (!meta.test(html)) {
  console.error('csp.mjs: the CSP meta tag of index.html has no SCRIPT_HASHES placeholder');
  process.exit(1);
}
writeFileSync(file, html.replace(meta, `$1${[...new Set(hashes)].join(' ')}`));
console.log(`csp.mjs: ${hashes.length} inline script hash(es) written into the CSP`);
