import { readFileSync } from 'node:fs';
import { type Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_LIST } from './help.js';
import { buildHelpProgram, buildProgram } from './program.js';

/** The root help commander prints for `program`, at `width` columns, without colours. */
function helpOf(program: Command, width: number): string {
  let text = '';
  program.configureOutput({ writeOut: (s) => (text += s), getOutHelpWidth: () => width, getOutHasColors: () => false });
  program.outputHelp();
  return text;
}

describe('the static root help', () => {
  it('bin/help.txt is what commander prints with every command loaded, to a pipe (80 columns)', async () => {
    const text = readFileSync(new URL('../bin/help.txt', import.meta.url), 'utf8');
    expect(helpOf(await buildProgram(), 80)).toBe(text);
  });

  it('lists each command with the term and summary its own module gives it, in order', async () => {
    const help = new Help();
    const commands = (await buildProgram()).commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), summary: c.summary() }));
    expect(commands).toEqual(COMMAND_LIST);
  });

  it.each([40, 80, 100, 160])('without the commands, commander prints the same help at %i columns', async (width) => {
    expect(helpOf(buildHelpProgram(), width)).toBe(helpOf(await buildProgram(), width));
  });
});
