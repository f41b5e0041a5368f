// `lookalike-media://` in Electron: checks each request (mediaPath.ts), then answers with the engine's thumbnail.
// The bytes are never decoded here: the engine process makes thumbnails through its own format gate and limits
// (engine/library/thumbnails.ts), so a crafted file cannot reach a decoder in the main process.
import { MEDIA_SCHEME, type ThumbSize } from '../../shared/methods.js';
import { resolveMediaRequest } from './mediaPath.js';

export interface MediaProtocolDeps {
  roots(): readonly string[];
  granted(): ReadonlySet<string>;
  /** The engine's thumbnail of a file the checks let through. */
  thumbnail(file: string, size: ThumbSize): Promise<{ data: Uint8Array; contentType: string }>;
  platform?: NodeJS.Platform;
  log?: (line: string) => void;
}

/** The request handler for `protocol.handle(MEDIA_SCHEME, …)`; plain Request → Response, testable without Electron. */
export function mediaRequestHandler(deps: MediaProtocolDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') return new Response('method not allowed', { status: 405 });
    const target = await resolveMediaRequest(request.url, deps.roots(), deps.granted(), deps.platform);
    if (!target.ok) {
      deps.log?.(`${MEDIA_SCHEME}: refused ${request.url.slice(0, 200)}: ${target.reason}`);
      return new Response(target.reason, { status: target.status });
    }
    try {
      const thumb = await deps.thumbnail(target.file, target.size);
      return new Response(new Uint8Array(thumb.data), {
        status: 200,
        headers: { 'content-type': thumb.contentType, 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' },
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const status = code === 'not-found' ? 404 : code === 'unavailable' ? 503 : 415;
      return new Response(`cannot make a thumbnail: ${(error as Error).message}`, { status });
    }
  };
}
