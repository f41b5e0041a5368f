// The Electron main process: thin wiring, one setup step per feature. All logic lives in modules that take
// their Electron dependencies as parameters (handlers, ipc, security, media, window state), tested under Node.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { eventChannel, MEDIA_SCHEME, settingsSchema, type ApiEventName, type ApiEvents } from '../shared/contract.js';
import { appRequestHandler } from './appProtocol.js';
import { defaultSettings } from './defaultSettings.js';
import { createHandlers } from './handlers.js';
import { startEngineHost } from './host/engineHost.js';
import { bindIpc } from './ipc.js';
import { createJobRegistry } from './jobs.js';
import { openJsonStore } from './jsonStore.js';
import { mediaRequestHandler } from './media/protocol.js';
import { buildMenuTemplate } from './menu.js';
import { importLegacyRoots, openRootRegistry } from './roots.js';
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

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  const settings = await openJsonStore(path.join(userData, 'settings.json'), settingsSchema, defaultSettings(), log);
  const windowState = await openJsonStore(path.join(userData, 'window-state.json'), windowStateSchema, DEFAULT_WINDOW_STATE, log);
  const grants = new Set<string>();

  // The worker owns the catalog (<userData>/catalog.db), whose roots table is the one list of library folders.
  const host = startEngineHost({
    workerUrl: new URL('./host/engineWorker.js', import.meta.url),
    config: { dataDir: userData, device: settings.get().device, threads: settings.get().threads, modelDir: process.env['LOOKALIKE_MODEL'] ?? null },
    callbacks: { trashItem: (file) => shell.trashItem(file) },
    log,
  });
  const jobs = createJobRegistry(host);
  const roots = await openRootRegistry(host);
  await importLegacyRoots(path.join(userData, 'roots.json'), roots, log).catch((error: unknown) => log(`roots.json not imported: ${String(error)}`));

  hardenSession(session.defaultSession, DEV_SERVER);
  protocol.handle(APP_SCHEME, appRequestHandler(RENDERER_DIR));
  protocol.handle(
    MEDIA_SCHEME,
    mediaRequestHandler({ roots: () => roots.get().map((r) => r.path), granted: () => grants, cacheDir: path.join(userData, 'thumbnails'), log }),
  );

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
  win.on('resize', saveBounds);
  win.on('move', saveBounds);
  win.on('close', saveBounds);

  const send = <E extends ApiEventName>(event: E, payload: ApiEvents[E]): void => {
    if (!win.isDestroyed()) win.webContents.send(eventChannel(event), payload);
  };
  jobs.onEvent((event) => {
    if (event.type === 'statusChanged') {
      send('statusChanged', { appVersion: app.getVersion(), dataDir: userData, ...event.status });
    } else if (event.type === 'jobProgress') {
      send('jobProgress', { jobId: event.jobId, kind: event.kind, progress: event.progress });
    } else {
      send('jobDone', event.done);
    }
  });

  const handlers = createHandlers({
    host,
    jobs,
    settings,
    roots,
    grants,
    app: { version: app.getVersion(), dataDir: userData },
    shell: { showItemInFolder: (file) => shell.showItemInFolder(file) },
    dialogs: {
      async openFiles({ title, multiple }) {
        const r = await dialog.showOpenDialog(win, {
          ...(title ? { title } : {}),
          properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'],
          filters: [{ name: 'Photos', extensions: ['jpg', 'jpeg', 'png', 'webp', 'avif', 'heic', 'heif', 'tif', 'tiff', 'gif', 'bmp'] }],
        });
        return r.canceled ? [] : r.filePaths;
      },
      async openFolder({ title }) {
        const r = await dialog.showOpenDialog(win, { ...(title ? { title } : {}), properties: ['openDirectory', 'createDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
    },
  });
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

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void host.close());

  await win.loadURL(DEV_SERVER ?? `${APP_ORIGIN}/index.html`);
}
