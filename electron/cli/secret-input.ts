/**
 * Passwords for the command line: asked on the terminal without echo, or — for scripts — read
 * from standard input, one per line in the order the command asks for them. Never from an
 * argument (it would land in the shell history and the process list).
 */
import { UsageError } from './command';

const stdinLines = new WeakMap<NodeJS.ReadStream, string[]>();

/** Reads one secret per prompt: from the terminal (no echo) or from the lines of standard input. */
export async function readSecrets(prompts: string[], input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string[]> {
  if (!input.isTTY) {
    // Standard input can be read once: later calls take the next lines.
    let lines = stdinLines.get(input);
    if (!lines) stdinLines.set(input, (lines = (await readAll(input)).split(/\r?\n/)));
    const taken = lines.splice(0, prompts.length);
    if (taken.length < prompts.length || taken.some((l) => l === '')) {
      throw new UsageError(`expected a password line on standard input for: ${prompts.join('; ')}`);
    }
    return taken;
  }
  const answers: string[] = [];
  for (const prompt of prompts) answers.push(await askHidden(prompt, input, output));
  return answers;
}

async function readAll(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** One line typed on the terminal in raw mode, echoing nothing; Ctrl-C aborts. */
function askHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((done, fail) => {
    output.write(`${prompt} `);
    let typed = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) fail(error);
      else done(typed);
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new UsageError('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
