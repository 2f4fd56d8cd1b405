import { expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../../electron/main/menu';

const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
  items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
const actions = { importSlides: () => {}, importDemoSlides: () => {}, openDataFolder: () => {}, openLogsFolder: () => {}, about: () => {} };

it('offers developer tools and reload only in development builds', () => {
  const roles = (dev: boolean) => flatten(menuTemplate(actions, { isDevelopment: dev, isMac: false })).map((i) => i.role).filter(Boolean);
  expect(roles(false)).not.toContain('toggleDevTools');
  expect(roles(false)).not.toContain('reload');
  expect(roles(true)).toContain('toggleDevTools');
});

it('wires import, demo slides, data and log folders', () => {
  const called: string[] = [];
  const spy = Object.fromEntries(Object.keys(actions).map((k) => [k, () => void called.push(k)])) as typeof actions;
  for (const item of flatten(menuTemplate(spy, { isDevelopment: false, isMac: true }))) (item.click as (() => void) | undefined)?.();
  expect(called.sort()).toEqual(['about', 'importDemoSlides', 'importSlides', 'openDataFolder', 'openLogsFolder']);
});
