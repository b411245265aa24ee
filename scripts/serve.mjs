// A small static file server for dist/: loopback only, correct MIME types (wasm needs
// application/wasm for streaming compilation), and the same Content-Security-Policy the page
// carries in its meta tag, also sent as a header (which can add frame-ancestors).
// Used by `make serve` and by the end-to-end tests.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The CSP of the built page, read from its meta tag. */
export async function pagePolicy(dir) {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const m = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/);
  if (!m) throw new Error(`${dir}/index.html has no Content-Security-Policy meta tag`);
  if (m[1].includes('SCRIPT_HASHES')) throw new Error('the CSP still has its placeholder: the post-build hook did not run');
  return `${m[1]}; frame-ancestors 'none'`;
}

/** Serves `dir` on 127.0.0.1:`port` (0 picks a free port). Resolves to { url, close }. */
export async function startServer({ dir, port = 0, host = '127.0.0.1' }) {
  const root = resolve(dir);
  const policy = await pagePolicy(root);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const headers = {
        'Content-Type': type,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': type.startsWith('text/html') ? 'no-cache' : 'max-age=3600',
      };
      // The page's policy travels in its meta tag too; a worker has only its own headers.
      if (type.startsWith('text/html') || type === TYPES['.js']) headers['Content-Security-Policy'] = policy;
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' ? 404 : 500, { 'Content-Type': 'text/plain' }).end(e.code === 'ENOENT' ? 'not found' : 'error');
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const { port: bound } = server.address();
  return { url: `http://${host}:${bound}/`, close: () => new Promise((ok) => server.close(ok)) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '8080'] = process.argv.slice(2);
  const { url } = await startServer({ dir, port: Number(port) });
  console.log(`TradeLens is served on ${url} (Ctrl-C stops it)`);
}
