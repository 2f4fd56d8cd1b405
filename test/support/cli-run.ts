import { vi } from 'vitest';
import { UsageError, type Command } from '../../electron/cli/command';
import { DomainError } from '../../electron/core/errors';

/** Runs an `ana` command in this process with the CLI's error-to-exit-code rules; collects what it prints. */
export async function runCommand(command: Command, args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
  try {
    return { code: await command.run(args), out: out.join('\n') };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, out: `${out.join('\n')}${error.message}` };
    if (error instanceof DomainError) return { code: 1, out: `${out.join('\n')}${error.message}` };
    throw error;
  } finally {
    log.mockRestore();
  }
}
