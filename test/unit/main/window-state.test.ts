import { expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWindowState, saveWindowState } from '../../../electron/main/window-state';
import { tempDir } from '../../support/temp-dir';

const screens = [
  { x: 0, y: 0, width: 1920, height: 1040 },
  { x: 1920, y: 0, width: 1280, height: 984 },
];

it('restores a saved window on a connected screen, shrunk to fit it', () => {
  const path = join(tempDir('ana-win-'), 'window-state.json');
  saveWindowState(path, { bounds: { x: 2000, y: 50, width: 1600, height: 900 }, maximized: true });
  expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ bounds: { x: 2000, y: 50, width: 1600, height: 900 }, maximized: true });
  expect(loadWindowState(path, screens)).toEqual({ bounds: { x: 2000, y: 50, width: 1280, height: 900 }, maximized: true });
});

it('falls back to the default when the screen is gone or the file is missing or damaged', () => {
  const path = join(tempDir('ana-win-'), 'window-state.json');
  expect(loadWindowState(path, screens)).toEqual({ bounds: null, maximized: false });
  saveWindowState(path, { bounds: { x: 3500, y: 100, width: 1200, height: 800 }, maximized: false });
  expect(loadWindowState(path, screens)).toEqual({ bounds: null, maximized: false });
  writeFileSync(path, '{"bounds": {"x": "left"');
  expect(loadWindowState(path, screens)).toEqual({ bounds: null, maximized: false });
});
