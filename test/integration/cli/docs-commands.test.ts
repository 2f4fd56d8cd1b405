/**
 * The docs check: every `ana …` command shown in README.md and docs/*.md (code blocks and inline
 * code) must be one the CLI knows, with the sub-command and every `--option` shown listed in that
 * command's `--help`. Runs the help in-process (one import for all). New docs files are scanned by
 * themselves; a renamed option or command fails here until the docs say the same.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../electron/core/paths';
import { anaInProcess } from '../../support/ana-cli';

export interface ShownCommand {
  file: string;
  line: number;
  text: string;
  command: string;
  subCommand: string | null;
  options: string[];
}

const ANA = /(?:^|[\s(|;&`])(?:bash tools\/run |npm run (?:-s )?)?ana(?: --)? ([a-z][a-z-]*)((?:[^`#;&|\n]|\\\|)*)/g;

/** The code a markdown file shows: fenced and indented blocks whole, inline code spans. */
function codeOf(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  let fenced = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced || /^ {4}\S/.test(text)) out.push({ line: i + 1, code: text });
    else for (const span of text.matchAll(/`([^`]+)`/g)) out.push({ line: i + 1, code: span[1]! });
  });
  return out;
}

export function shownCommands(file: string, markdown: string): ShownCommand[] {
  const found: ShownCommand[] = [];
  for (const { line, code } of codeOf(markdown)) {
    for (const match of code.matchAll(ANA)) {
      const rest = match[2]!;
      const first = rest.trim().split(/\s+/)[0] ?? '';
      found.push({
        file,
        line,
        text: match[0].trim(),
        command: match[1]!,
        subCommand: /^[a-z][a-z-]*(\\?\|[a-z][a-z-]*)*$/.test(first) ? first : null,
        options: [...rest.matchAll(/(?:^|[\s[])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!),
      });
    }
  }
  return found;
}

const root = projectRoot();
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const shown = docs.flatMap((file) => shownCommands(file, readFileSync(join(root, file), 'utf8')));

it('finds the commands the docs show', () => {
  expect(shown.length).toBeGreaterThan(20);
  expect(shownCommands('x.md', 'Run `npm run ana -- read DIR --db a.db` or\n```sh\nbash tools/run ana cases list --as doc   # worklist\n```\n')).toEqual([
    { file: 'x.md', line: 1, text: 'npm run ana -- read DIR --db a.db', command: 'read', subCommand: null, options: ['db'] },
    { file: 'x.md', line: 3, text: 'bash tools/run ana cases list --as doc', command: 'cases', subCommand: 'list', options: ['as'] },
  ]);
});

describe.each(docs)('%s', (file) => {
  const commands = shown.filter((c) => c.file === file);
  it.skipIf(commands.length === 0)('shows only commands, sub-commands and options the CLI has', async () => {
    const help = new Map<string, string>();
    for (const name of new Set(commands.map((c) => c.command))) {
      const run = await anaInProcess([name, '--help']);
      help.set(name, run.status === 0 ? run.stdout : '');
    }
    const problems: string[] = [];
    for (const c of commands) {
      const text = help.get(c.command)!;
      const where = `${c.file}:${c.line}: ${c.text}`;
      if (!text) {
        problems.push(`${where}: no command '${c.command}'`);
        continue;
      }
      const hasSubCommands = new RegExp(`ana ${c.command} [a-z]`).test(text);
      for (const sub of hasSubCommands && c.subCommand ? c.subCommand.split(/\\?\|/) : []) {
        if (!new RegExp(`(ana ${c.command} |\\|)${sub}\\b`).test(text)) problems.push(`${where}: '${c.command} ${sub}' is not in 'ana ${c.command} --help'`);
      }
      for (const option of c.options) if (!text.includes(`--${option}`)) problems.push(`${where}: --${option} is not an option of 'ana ${c.command}'`);
    }
    expect(problems).toEqual([]);
  });
});

it('runs the cheap ones for real', async () => {
  expect(await anaInProcess(['version'])).toMatchObject({ status: 0, stdout: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version });
  const top = await anaInProcess(['--help']);
  for (const name of new Set(shown.map((c) => c.command))) expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
});
