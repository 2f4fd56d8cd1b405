/** One `ana` sub-command: its name, a one-line summary, its usage text and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Thrown for wrong usage; the CLI prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {}
