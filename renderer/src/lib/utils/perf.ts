/**
 * Performance marks for the viewer (read by the end-to-end tests and visible in DevTools):
 * `viewer:open` → `viewer:first-paint` and `viewer:input` → `viewer:input-painted`.
 */
export function mark(name: string): void {
  performance.mark(name);
}

/** Measures from the latest `start` mark to now; ignored when `start` was never marked. */
export function measureSince(name: string, start: string): void {
  if (performance.getEntriesByName(start, 'mark').length === 0) return;
  performance.measure(name, start);
  performance.clearMarks(start);
}
