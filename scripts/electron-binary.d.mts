/** Where Electron's binary is, or null when only the npm package is installed (no download yet). */
export function electronBinary(root?: string): string | null;
