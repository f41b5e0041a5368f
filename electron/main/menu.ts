// The application menu. Commands the renderer owns are sent to it as `menu` events; the rest are Electron roles.
import type { MenuCommand } from '../shared/contract.js';

export interface MenuItemSpec {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

export function buildMenuTemplate(opts: { appName: string; isMac: boolean; send(command: MenuCommand): void }): MenuItemSpec[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemSpec => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => opts.send(command),
  });
  const sep: MenuItemSpec = { type: 'separator' };
  const appMenu: MenuItemSpec[] = opts.isMac
    ? [{ label: opts.appName, submenu: [{ role: 'about' }, sep, item('Settings…', 'settings', 'CmdOrCtrl+,'), sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }] }]
    : [];
  return [
    ...appMenu,
    {
      label: 'File',
      submenu: [
        item('Add Folder…', 'addFolder', 'CmdOrCtrl+O'),
        item('Scan Library', 'startScan', 'CmdOrCtrl+R'),
        item('Compare Two Photos…', 'compare', 'CmdOrCtrl+Shift+C'),
        sep,
        item('Export Results…', 'exportResults', 'CmdOrCtrl+E'),
        item('Models…', 'models', 'CmdOrCtrl+Shift+M'),
        ...(opts.isMac ? [] : [sep, item('Settings…', 'settings', 'CmdOrCtrl+,'), sep, { role: 'quit' }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, item('Undo Last File Action', 'undo', 'CmdOrCtrl+Alt+Z'), sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, sep, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
  ];
}
