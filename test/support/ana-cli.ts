/** Running `ana` in tests: as a user does (a child process, stdin for passwords), or in-process for speed. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { projectRoot } from '../../electron/core/paths';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const entry = join(projectRoot(), 'electron/cli/ana.ts');

export interface AnaRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `ana ARGS` in a child process; `input` is its standard input (passwords, one per line). */
export function anaChild(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): AnaRun {
  const run = spawnSync(process.execPath, ['--import', tsx, entry, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    input: options.input ?? '',
    cwd: options.cwd,
    env: options.env ?? process.env,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `ana ARGS` started in the background (to signal it while it runs). */
export function anaSpawn(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, entry, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The CLI module runs `main(process.argv)` when first imported (it is the entry point): import it
 * once with a harmless `ana version`, muted, then call its `main` for every run.
 */
let cli: Promise<typeof import('../../electron/cli/ana')> | null = null;
function importCli(): Promise<typeof import('../../electron/cli/ana')> {
  cli ??= (async () => {
    const argv = process.argv;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    process.argv = [argv[0]!, 'ana', 'version'];
    try {
      return await import('../../electron/cli/ana');
    } finally {
      process.argv = argv;
      process.exitCode = undefined;
      log.mockRestore();
    }
  })();
  return cli;
}

/** `ana ARGS` in this process, `input` as its standard input (not a terminal); many runs cost one import. */
export async function anaInProcess(args: string[], options: { input?: string } = {}): Promise<AnaRun> {
  const { main } = await importCli();
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([options.input ?? '']), configurable: true });
  try {
    const status = await main(args);
    return { status, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
    log.mockRestore();
    error.mockRestore();
  }
}
