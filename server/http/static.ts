import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import { problemResponse, toProblem } from './errors.ts';

/** Which built app answers which path prefix; the longest prefix wins, booking takes the rest. */
export const frontEnds = [
  { prefix: '/kiosk', app: 'kiosk' },
  { prefix: '/display', app: 'display' },
  { prefix: '/agent', app: 'agent-ui' },
  { prefix: '', app: 'booking' },
] as const;

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
};
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.webmanifest']);

interface CachedFile {
  mtimeMs: number;
  body: Buffer;
  gzip: Buffer | null;
}

export const defaultDistDir = fileURLToPath(new URL('../../dist', import.meta.url));

/**
 * Serves dist/booking at `/`, dist/kiosk at `/kiosk`, dist/display at `/display` and dist/agent-ui
 * at `/agent`, with an SPA fallback to each app's index.html. Mounted after the API, and never for
 * /api or /socket.io paths, so an unknown API path stays a problem+json 404.
 */
export function mountStatic(app: Hono, options: { distDir?: string } = {}): void {
  const distDir = options.distDir ?? defaultDistDir;
  const cache = new Map<string, CachedFile>();

  function load(path: string): CachedFile | null {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      return null;
    }
    if (!stat.isFile()) return null;
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs) return hit;
    const body = readFileSync(path);
    const entry: CachedFile = {
      mtimeMs: stat.mtimeMs,
      body,
      gzip: compressible.has(extname(path)) && body.length > 1024 ? gzipSync(body, { level: 9 }) : null,
    };
    cache.set(path, entry);
    return entry;
  }

  function send(c: Context, path: string, file: CachedFile, immutable: boolean): Response {
    const headers: Record<string, string> = {
      'content-type': types[extname(path)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    const acceptsGzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    const body = acceptsGzip && file.gzip ? file.gzip : file.body;
    if (body === file.gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = String(body.length);
    return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  }

  const handler = (c: Context): Response | Promise<Response> => {
    const path = c.req.path;
    if (path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io')) {
      return problemResponse(toProblem('not-found', `No route for ${c.req.method} ${path}`));
    }
    const fe = frontEnds.find((f) => f.prefix === '' || path === f.prefix || path.startsWith(`${f.prefix}/`));
    if (!fe) return problemResponse(toProblem('not-found'));
    if (fe.prefix && path === fe.prefix) return c.redirect(`${fe.prefix}/${new URL(c.req.url).search}`, 301);
    const root = join(distDir, fe.app);
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      return c.text(`The ${fe.app} front-end is not built yet: run \`npm run build\`.`, 503);
    }
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice(fe.prefix.length));
    } catch {
      return problemResponse(toProblem('not-found'));
    }
    const target = normalize(join(root, rel));
    if (target !== root && !target.startsWith(root + sep)) return problemResponse(toProblem('not-found'));
    const file = rel !== '/' && rel !== '' ? load(target) : null;
    if (file) return send(c, target, file, rel.startsWith('/assets/'));
    // A missing asset is a 404; any other path is a route inside the single-page app.
    if (rel.startsWith('/assets/') || extname(rel) !== '') return problemResponse(toProblem('not-found'));
    const html = load(index);
    if (!html) return problemResponse(toProblem('not-found'));
    return send(c, index, html, false);
  };
  // Hono answers HEAD from GET handlers (without the body).
  app.get('*', handler);
}
