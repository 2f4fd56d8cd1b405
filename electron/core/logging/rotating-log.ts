/**
 * The application log: one line per message, appended synchronously (so the last line before a
 * crash is on disk), rotated by size: `ana.log` → `ana.log.1` → … → `ana.log.<keep>`, the oldest
 * dropped. Bounded disk use on a PC that runs for years without anyone looking at its logs.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors';

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Logs the message and, when given, the error's stack (or message). */
  error(message: string, error?: unknown): void;
  /** The file currently written. */
  readonly path: string;
}

export interface RotatingLogOptions {
  dir: string;
  baseName?: string;
  /** Rotate before a line would make the file larger than this. */
  maxBytes?: number;
  /** How many rotated files to keep besides the current one. */
  keep?: number;
  nowMs?: () => number;
  /** Also write each line here (the console in development). */
  echo?: (level: LogLevel, line: string) => void;
}

export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 5;

export function createRotatingLog(options: RotatingLogOptions): Logger {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  const keep = options.keep ?? DEFAULT_LOG_KEEP;
  const now = options.nowMs ?? Date.now;
  const path = join(options.dir, `${options.baseName ?? 'ana'}.log`);
  mkdirSync(options.dir, { recursive: true });
  let size = existsSync(path) ? statSync(path).size : 0;

  function rotate(): void {
    rmSync(`${path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    if (keep >= 1) renameSync(path, `${path}.1`);
    else rmSync(path, { force: true });
    size = 0;
  }

  function write(level: LogLevel, message: string): void {
    const line = `${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(path, line);
      size += bytes;
    } catch (error) {
      // A full disk or a vanished folder must not take the app down with it; say so once per line.
      process.stderr.write(`log ${path} not writable (${errorMessage(error)}): ${line}`);
    }
    options.echo?.(level, line.trimEnd());
  }

  return {
    path,
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message, error) => write('error', error === undefined ? message : `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
}
