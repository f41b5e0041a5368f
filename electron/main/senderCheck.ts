// Only our own window, showing our own app page, may call the API (Electron Fiddle's check plus the frame URL):
// a navigated-away or injected frame, or any other webContents, is refused before the request is even parsed.

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  sender: unknown;
  senderFrame: { url: string } | null;
}

export interface SenderCheckDeps<W> {
  /** `BrowserWindow.fromWebContents(sender)`. */
  windowOf(sender: unknown): W | null;
  /** The windows we opened (normally one). */
  isOurWindow(win: W): boolean;
  isAppUrl(url: string): boolean;
}

/** null when the sender is trusted, else why not. */
export function untrustedSenderReason<W>(event: InvokeEventLike, deps: SenderCheckDeps<W>): string | null {
  const win = deps.windowOf(event.sender);
  if (win === null) return 'the sender is not a window';
  if (!deps.isOurWindow(win)) return 'the sender is not a Lookalike window';
  const url = event.senderFrame?.url;
  if (url === undefined) return 'the sender frame is gone';
  if (!deps.isAppUrl(url)) return `the sender frame is not the app (${url.slice(0, 100)})`;
  return null;
}

/** The app's own origin: the bundled renderer, and in development the Vite server named by the caller. */
export const APP_SCHEME = 'lookalike-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

export function appUrlCheck(devServerUrl: string | null): (url: string) => boolean {
  const devOrigin = devServerUrl === null ? null : new URL(devServerUrl).origin;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'app') return true;
    return devOrigin !== null && parsed.origin === devOrigin;
  };
}
