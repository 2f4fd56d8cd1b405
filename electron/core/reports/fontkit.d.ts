/** The part of fontkit (pdfkit's font engine, no bundled types) that report-fonts.ts uses. */
declare module 'fontkit' {
  /** An opened font; pdfkit accepts it wherever it accepts a font file. */
  export interface Font {
    postscriptName: string;
    layout(text: string): unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
