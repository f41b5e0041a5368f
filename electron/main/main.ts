// The Electron main process: thin wiring, one setup step per feature. All logic lives in modules that take
// their Electron dependencies as parameters (handlers, ipc, security, media, window state), tested under Node.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { adoptLegacyData, dataPaths, openJsonStore, resolveDataDir, type DataPaths } from '../engine/library/index.js';
import { eventChannel, MEDIA_SCHEME, photoExtensions, type ApiEventName, type ApiEvents, type ThumbSize } from '../shared/contract.js';
import { appRequestHandler } from './appProtocol.js';
import { CapabilityStore } from './capabilities.js';
import { createHandlers, type DialogService } from './handlers.js';
import { startEngineHost, type EngineHost } from './host/engineHost.js';
import { bindIpc } from './ipc.js';
import { mediaRequestHandler } from './media/protocol.js';
import { buildMenuTemplate } from './menu.js';
import { importLegacyRoots, openRootRegistry, type RootRegistry } from './roots.js';
import { hardenContents, hardenSession } from './security.js';
import { APP_ORIGIN, APP_SCHEME, appUrlCheck, untrustedSenderReason } from './senderCheck.js';
import { DEFAULT_WINDOW_STATE, fitToDisplays, windowStateSchema } from './windowState.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '../preload/preload.cjs');
const RENDERER_DIR = path.join(here, '../../renderer');
const DEV_SERVER = !app.isPackaged ? (process.env['LOOKALIKE_DEV_SERVER'] ?? null) : null;
const log = (line: string): void => console.error(`lookalike: ${line}`);

// Must run before `ready`: both schemes are standard and secure so CSP and fetch treat them like https.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  void app.whenReady().then(start, (error: unknown) => {
    log(`startup failed: ${String(error)}`);
    app.exit(1);
  });
}

/** The one data folder (shared with the CLI), after moving an older app version's library into it once. */
async function openData(): Promise<DataPaths> {
  const paths = dataPaths(resolveDataDir(undefined, process.env));
  for (const line of await adoptLegacyData(app.getPath('userData'), paths).catch((e: unknown) => [`old app data not moved: ${String(e)}`])) log(line);
  return paths;
}

/** The engine process, and main's copy of the library folders. */
async function setupEngine(paths: DataPaths): Promise<{ host: EngineHost; roots: RootRegistry }> {
  // The engine owns the catalog, whose roots table is the one list of library folders.
  const host = startEngineHost({
    entryUrl: new URL('../engineProcess/entry.js', import.meta.url),
    config: { dataDir: paths.dataDir, appVersion: app.getVersion(), modelDir: process.env['LOOKALIKE_MODEL'] ?? null },
    callbacks: { trashItem: (file) => shell.trashItem(file) },
    log,
  });
  const roots = await openRootRegistry(host.api);
  await importLegacyRoots(path.join(paths.dataDir, 'roots.json'), host.api, log).catch((error: unknown) => log(`roots.json not imported: ${String(error)}`));
  await roots.list();
  app.on('will-quit', () => void host.close());
  return { host, roots };
}

function setupProtocols(host: EngineHost, roots: RootRegistry, grants: ReadonlySet<string>): void {
  hardenSession(session.defaultSession, DEV_SERVER);
  protocol.handle(APP_SCHEME, appRequestHandler(RENDERER_DIR));
  // Thumbnails are made in the engine process (its format gate and limits), cached in the data folder's thumbnails/.
  const thumbnail = (file: string, size: ThumbSize) => host.api.thumbnail({ path: file, size });
  protocol.handle(MEDIA_SCHEME, mediaRequestHandler({ roots: () => roots.get().map((r) => r.path), granted: () => grants, thumbnail, log }));
}

async function setupWindow(): Promise<BrowserWindow> {
  const windowState = await openJsonStore(path.join(app.getPath('userData'), 'window-state.json'), windowStateSchema, DEFAULT_WINDOW_STATE, log);
  const placed = fitToDisplays(windowState.get(), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...placed,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Lookalike',
    // Written out here, not built by a helper, so reviewers and electronegativity see every setting.
    webPreferences: {
      // Reviewed: a sandboxed preload that exposes only the contract's methods (test/main/preload.test.ts).
      preload: PRELOAD, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (placed.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const saveBounds = (): void => {
    if (win.isDestroyed() || win.isMinimized()) return;
    void windowState.set({ ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  for (const event of ['resize', 'move', 'close'] as const) win.on(event as 'resize', saveBounds);
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  return win;
}

function dialogsFor(win: BrowserWindow): DialogService {
  // Save dialogs open where the last one saved.
  let saveDir: string | null = null;
  return {
    async openFiles({ title, multiple }) {
      const r = await dialog.showOpenDialog(win, {
        ...(title ? { title } : {}),
        properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
        filters: [{ name: 'Photos', extensions: photoExtensions.map((e) => e.slice(1)) }],
      });
      return r.canceled ? [] : r.filePaths;
    },
    async openFolder({ title }) {
      const r = await dialog.showOpenDialog(win, { ...(title ? { title } : {}), properties: ['openDirectory', 'createDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveFile({ title, defaultName, extensions }) {
      const r = await dialog.showSaveDialog(win, {
        ...(title ? { title } : {}),
        defaultPath: path.join(saveDir ?? app.getPath('documents'), defaultName),
        filters: [{ name: extensions.map((e) => e.toUpperCase()).join(', '), extensions }],
        // macOS and Windows always ask before replacing a file; GTK only when told to.
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      if (r.canceled || !r.filePath) return null;
      saveDir = path.dirname(r.filePath);
      return r.filePath;
    },
  };
}

/** The contract over IPC (sender-checked, validated), the engine's events to the window, and the menu. */
function setupIpc(win: BrowserWindow, host: EngineHost, roots: RootRegistry, grants: Set<string>, capabilities: CapabilityStore): void {
  const send = <E extends ApiEventName>(event: E, payload: ApiEvents[E]): void => {
    if (!win.isDestroyed()) win.webContents.send(eventChannel(event), payload);
  };
  host.onEvent((e) => send(e.event, e.payload as ApiEvents[typeof e.event]));
  const desktop = { shell: { showItemInFolder: (file: string) => shell.showItemInFolder(file) }, dialogs: dialogsFor(win) };
  const handlers = createHandlers({ host, roots, grants, capabilities, ...desktop });
  const isAppUrl = appUrlCheck(DEV_SERVER);
  bindIpc(ipcMain, {
    handlers,
    log,
    untrustedReason: (event) =>
      untrustedSenderReason(event, {
        windowOf: (sender) => BrowserWindow.fromWebContents(sender as Electron.WebContents),
        isOurWindow: (w) => w === win,
        isAppUrl,
      }),
  });
  const template = buildMenuTemplate({ appName: app.name, isMac: process.platform === 'darwin', send: (command) => send('menu', { command }) });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));
}

async function start(): Promise<void> {
  const paths = await openData();
  const grants = new Set<string>();
  const { host, roots } = await setupEngine(paths);
  // Paths the renderer may act on are the ones chosen in main's dialogs; the saved default move folder counts.
  const capabilities = new CapabilityStore();
  capabilities.moveDest = (await host.api.getSettings(undefined).catch(() => null))?.moveDest ?? null;
  setupProtocols(host, roots, grants);
  const win = await setupWindow();
  setupIpc(win, host, roots, grants, capabilities);
  app.on('window-all-closed', () => app.quit());
  await win.loadURL(DEV_SERVER ?? `${APP_ORIGIN}/index.html`);
}
