/**
 * Launching Debian's Chromium through playwright-core (never a downloaded browser). The flags keep
 * Chromium from reaching for the network, which this machine does not have.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run 'bash tools/setup.sh' (installs Debian's chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where tests leave screenshots and other artifacts for people to look at. */
export const TEST_OUTPUT_DIR = join(process.cwd(), 'test-output');

/** Polls until the assertion holds: the machine is shared, so waits are generous (1 s by default in vitest). */
export function eventually<T>(read: () => Promise<T> | T, timeoutMs = 15_000) {
  return expect.poll(read, { timeout: timeoutMs, interval: 50 });
}
