/**
 * The main window's position and size, kept between runs. Plain Node (no 'electron' import) so it
 * is unit-tested: the shell passes the displays' work areas. A saved position that is no longer
 * on any screen (a projector was unplugged) falls back to the default on the primary display.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect | null;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1440, height: 900 } as const;
export const MIN_SIZE = { width: 1024, height: 700 } as const;
/** At least this much of the title bar area must be on a screen for a saved position to be kept. */
const VISIBLE_PX = 100;

const Saved = z.object({
  bounds: z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() }).nullable(),
  maximized: z.boolean(),
});

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** The state to open with: the saved one when valid and visible, else the default (null bounds). */
export function loadWindowState(path: string, workAreas: Rect[]): WindowState {
  let saved: WindowState;
  try {
    if (!existsSync(path)) return { bounds: null, maximized: false };
    saved = Saved.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return { bounds: null, maximized: false }; // a damaged file only costs the window position
  }
  if (!saved.bounds) return saved;
  const bounds = saved.bounds;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: 40 };
  const area = workAreas.find((a) => {
    const o = overlap(titleBar, a);
    return o.width >= Math.min(VISIBLE_PX, bounds.width) && o.height > 0;
  });
  if (!area) return { bounds: null, maximized: saved.maximized };
  return {
    bounds: { ...bounds, width: Math.min(bounds.width, area.width), height: Math.min(bounds.height, area.height) },
    maximized: saved.maximized,
  };
}

/** Written via a temporary file and rename, so a crash never leaves half a file. */
export function saveWindowState(path: string, state: WindowState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}
