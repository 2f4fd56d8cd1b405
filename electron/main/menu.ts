/**
 * The application menu. A plain template (type-only 'electron' import) so it is unit-tested:
 * developer tools and reload appear only in development builds.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  importSlides(): void;
  importDemoSlides(): void;
  openDataFolder(): void;
  openLogsFolder(): void;
  about(): void;
}

export function menuTemplate(actions: MenuActions, options: { isDevelopment: boolean; isMac: boolean }): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Import slides…', accelerator: 'CmdOrCtrl+O', click: () => actions.importSlides() },
      { type: 'separator' },
      { label: 'Open data folder', click: () => actions.openDataFolder() },
      { label: 'Open logs folder', click: () => actions.openLogsFolder() },
      { type: 'separator' },
      options.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = { label: '&Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(options.isDevelopment ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    submenu: [{ label: 'Load demo slides', click: () => actions.importDemoSlides() }, { type: 'separator' }, { label: 'About ANA Workstation', click: () => actions.about() }],
  };
  return [...(options.isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, edit, view, { role: 'windowMenu' }, help];
}
