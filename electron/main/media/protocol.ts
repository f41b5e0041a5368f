// `lookalike-media://` in Electron: checks each request (mediaPath.ts), then answers with a cached thumbnail.
import { MEDIA_SCHEME } from '../../shared/methods.js';
import { resolveMediaRequest } from './mediaPath.js';
import { thumbnail } from './thumbnails.js';

export interface MediaProtocolDeps {
  roots(): readonly string[];
  granted(): ReadonlySet<string>;
  cacheDir: string;
  log?: (line: string) => void;
}

/** The request handler for `protocol.handle(MEDIA_SCHEME, …)`; plain Request → Response, testable without Electron. */
export function mediaRequestHandler(deps: MediaProtocolDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') return new Response('method not allowed', { status: 405 });
    const target = await resolveMediaRequest(request.url, deps.roots(), deps.granted());
    if (!target.ok) {
      deps.log?.(`${MEDIA_SCHEME}: refused ${request.url.slice(0, 200)}: ${target.reason}`);
      return new Response(target.reason, { status: target.status });
    }
    try {
      const thumb = await thumbnail(target.file, target.size, deps.cacheDir);
      return new Response(new Uint8Array(thumb.data), {
        status: 200,
        headers: { 'content-type': thumb.contentType, 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' },
      });
    } catch (error) {
      return new Response(`cannot make a thumbnail: ${(error as Error).message}`, { status: 415 });
    }
  };
}
