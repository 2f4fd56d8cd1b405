/**
 * The review keyboard: one table from key to action, shown in the help overlay and used by the
 * case view's key handler, so documentation and behaviour cannot drift. Keys are ignored while the
 * focus is in a text field.
 */
export type KeyAction =
  | { kind: 'toggle-label'; number: number }
  | { kind: 'accept-next' }
  | { kind: 'undo' }
  | { kind: 'save-draft' }
  | { kind: 'sign' }
  | { kind: 'toggle-overlay' }
  | { kind: 'toggle-grid' }
  | { kind: 'toggle-cells' }
  | { kind: 'toggle-overlay-mode' }
  | { kind: 'next-lut' }
  | { kind: 'toggle-dapi' }
  | { kind: 'opacity'; delta: number }
  | { kind: 'next-overlay-label' }
  | { kind: 'zoom'; factor: number }
  | { kind: 'pan'; dx: number; dy: number }
  | { kind: 'fit' }
  | { kind: 'one-to-one' }
  | { kind: 'help' }
  | { kind: 'back' };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

/** Canvas pixels moved by one arrow key press. */
export const PAN_STEP_PX = 80;

export const KEY_HELP: readonly [keys: string, what: string][] = [
  ['1 – 9', 'toggle the n-th pattern in the review panel'],
  ['A', 'accept the decision (save) and open the next case'],
  ['Ctrl+Z or U', 'undo the last change'],
  ['S', 'save the draft'],
  ['Shift+S', 'sign the case (asks for your password)'],
  ['O', 'overlay on / off'],
  ['G', 'patch grid on / off'],
  ['C', 'cell outlines on / off (candidate mitoses dashed)'],
  ['M', 'overlay mode: outline (contours above the threshold) / fill'],
  ['[ and ]', 'fill opacity down / up'],
  ['L', 'look-up table: FITC green / grey / inverted'],
  ['D', 'DAPI channel on / off (two-channel files)'],
  ['P', 'next pattern for the heatmap'],
  ['+ and -', 'zoom in / out'],
  ['arrow keys', 'pan'],
  ['F', 'fit the slide'],
  ['0', 'one slide pixel per screen pixel (1:1)'],
  ['?', 'this help'],
  ['Esc', 'back to the worklist'],
];

export function keyAction(e: KeyInput): KeyAction | null {
  if (e.altKey) return null;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') return { kind: 'undo' };
  if (e.ctrlKey || e.metaKey) return null;
  if (/^[1-9]$/.test(e.key)) return { kind: 'toggle-label', number: Number(e.key) };
  switch (e.key) {
    case 'a': case 'A': return { kind: 'accept-next' };
    case 'u': case 'U': return { kind: 'undo' };
    case 's': return { kind: 'save-draft' };
    case 'S': return { kind: 'sign' };
    case 'o': case 'O': return { kind: 'toggle-overlay' };
    case 'g': case 'G': return { kind: 'toggle-grid' };
    case 'c': case 'C': return { kind: 'toggle-cells' };
    case 'm': case 'M': return { kind: 'toggle-overlay-mode' };
    case 'l': case 'L': return { kind: 'next-lut' };
    case 'd': case 'D': return { kind: 'toggle-dapi' };
    case '[': return { kind: 'opacity', delta: -0.1 };
    case ']': return { kind: 'opacity', delta: 0.1 };
    case 'p': case 'P': return { kind: 'next-overlay-label' };
    case '+': case '=': return { kind: 'zoom', factor: 1.25 };
    case '-': case '_': return { kind: 'zoom', factor: 1 / 1.25 };
    case 'ArrowLeft': return { kind: 'pan', dx: PAN_STEP_PX, dy: 0 };
    case 'ArrowRight': return { kind: 'pan', dx: -PAN_STEP_PX, dy: 0 };
    case 'ArrowUp': return { kind: 'pan', dx: 0, dy: PAN_STEP_PX };
    case 'ArrowDown': return { kind: 'pan', dx: 0, dy: -PAN_STEP_PX };
    case 'f': case 'F': return { kind: 'fit' };
    case '0': return { kind: 'one-to-one' };
    case '?': return { kind: 'help' };
    case 'Escape': return { kind: 'back' };
    default: return null;
  }
}

/** True when the event comes from a text field, where keys type text instead of acting. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'range', 'button', 'submit'].includes(type);
}
