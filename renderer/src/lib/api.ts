// The ONLY module that touches window globals: it finds the bridge the preload exposed and hands the rest of
// the renderer a typed client. Everything else receives the client (or callbacks) as a parameter.
import type { ApiEventName, ApiEvents, LookalikeBridge } from '../../../electron/shared/contract.js';
// methods.ts is the contract's dependency-free half (plain constants), written to be bundled by any side.
import { API_GLOBAL } from '../../../electron/shared/methods.js';
import type { Theme } from '../../../electron/shared/values.js';

export type Client = LookalikeBridge;

/** The bridge, or null when the page runs outside the app (then the UI says so instead of crashing). */
export function findBridge(): Client | null {
  const candidate = (window as unknown as Record<string, unknown>)[API_GLOBAL];
  return candidate && typeof candidate === 'object' ? (candidate as Client) : null;
}

export function subscribe<E extends ApiEventName>(
  client: Client,
  event: E,
  listener: (payload: ApiEvents[E]) => void,
): () => void {
  return client.on(event, listener);
}

/** Paths of dropped files (Electron knows them; a plain browser does not, and gives ''). */
export function droppedPaths(client: Pick<Client, 'pathForFile'>, files: FileList | readonly File[]): string[] {
  return Array.from(files)
    .map((f) => client.pathForFile(f))
    .filter((p) => p !== '');
}

/** Follows the theme setting: 'system' leaves it to prefers-color-scheme. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
