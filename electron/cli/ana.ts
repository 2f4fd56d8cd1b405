/**
 * `ana`: the headless command line over the same core as the desktop app. One command per file
 * in ./commands; this file only dispatches and turns errors into messages and exit codes.
 */
import { DomainError } from '../core/errors';
import { UsageError, type Command } from './command';
import { readCommand } from './commands/read';
import { benchCommand } from './commands/bench';
import { synthCommand } from './commands/synth';
import { versionCommand } from './commands/version';
import { auditCommand } from './commands/audit';
import { dbCommand } from './commands/db';
import { usersCommand } from './commands/users';
import { trainNetworkCommand } from './commands/train-network';
import { trainCommand } from './commands/train';
import { evalCommand } from './commands/eval';
import { adaptCommand, finetuneCommand } from './commands/finetune';
import { modelsCommand } from './commands/models';
import { reportCommand } from './commands/report';
import { exportCommand } from './commands/export';
import { calibrateCommand } from './commands/calibrate';
import { estimatePixelSizeCommand } from './commands/estimate-pixel-size';
import { casesCommand } from './commands/cases';
import { reviewCommand } from './commands/review';
import { qcCommand } from './commands/qc';

const COMMANDS: Command[] = [versionCommand, readCommand, benchCommand, synthCommand, trainCommand, evalCommand, finetuneCommand, adaptCommand, modelsCommand, casesCommand, reviewCommand, reportCommand, exportCommand, calibrateCommand, estimatePixelSizeCommand, qcCommand, trainNetworkCommand, auditCommand, dbCommand, usersCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'ana — ANA workstation command line',
    '',
    'Usage: ana <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'ana <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`ana: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`ana ${name}: ${(error as Error).message}\nUsage: ${command.usage}`);
      return 2;
    }
    if (error instanceof DomainError) {
      console.error(`ana ${name}: ${error.message}`);
      return 1;
    }
    // Anything else is a bug or an environment failure (ENAMETOOLONG, EACCES...): one clear line;
    // the stack trace only when asked for.
    console.error(`ana ${name}: unexpected error: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}${process.env.ANA_DEBUG ? `\n${(error as Error)?.stack}` : ' (set ANA_DEBUG=1 for details)'}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
