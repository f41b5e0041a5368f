// `lookalike-app://app/…` serves the built renderer (dist/renderer) and nothing else, with the CSP header on
// every response. A custom origin instead of file:// keeps `'self'` meaning "the app" rather than "any file".
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from './security.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export function appRequestHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const rootPromise = realpath(rendererDir).catch(() => path.resolve(rendererDir));
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      return new Response('bad request', { status: 400 });
    }
    if (relative === '/' || relative === '') relative = '/index.html';
    const root = await rootPromise;
    const file = await realpath(path.join(root, relative)).catch(() => null);
    const rel = file === null ? '..' : path.relative(root, file);
    if (file === null || rel.startsWith('..') || path.isAbsolute(rel)) return new Response('not found', { status: 404 });
    const body = await readFile(file).catch(() => null);
    if (body === null) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(body), {
      headers: {
        'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
