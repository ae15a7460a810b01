#!/usr/bin/env node
/**
 * The `gasworks` command line: one commander program, one module per command
 * under commands/. A user's mistake (bad input file, bad option) prints its
 * message alone and exits 1; anything else is a bug and keeps its stack.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { isProgramError, isUserError } from '../../core/errors.js';
import { isAllocationFailure, outOfMemory } from './out-of-memory.js';
import { registerGenerate } from './commands/generate.js';
import { registerConvert } from './commands/convert.js';
import { registerInfo } from './commands/info.js';
import { registerStart } from './commands/start.js';
import { registerRun } from './commands/run.js';
import { registerRecommend } from './commands/recommend.js';
import { registerFraud } from './commands/fraud.js';
import { registerSgd } from './commands/sgd.js';
import { registerBenchPartitioners } from './commands/bench-partitioners.js';
import { registerWorker } from './commands/worker.js';
import { registerToken } from './commands/token.js';
import { registerStatus } from './commands/status.js';

function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')).version as string;
    } catch {
      // try the next location (sources vs compiled dist/)
    }
  }
  return 'unknown';
}

export function buildProgram(): Command {
  const program = new Command('gasworks')
    .description('graph-parallel machine learning for Node.js: vertex programs on every core, vertex-cut partitioners, a recommender, fraud detection, parallel SGD')
    .version(packageVersion())
    .showHelpAfterError('(add --help for usage)');
  registerStart(program);
  registerInfo(program);
  registerGenerate(program);
  registerConvert(program);
  registerRun(program);
  registerRecommend(program);
  registerFraud(program);
  registerSgd(program);
  registerWorker(program);
  registerToken(program);
  registerStatus(program);
  const bench = program.command('bench').description('benchmarks users run on their own graphs');
  registerBenchPartitioners(bench);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  // `gasworks ... | head`: a reader that stops early is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (isUserError(error)) {
      // A user's program that threw: the one line, then the frames of the program's own module.
      const frames = isProgramError(error) ? error.frames.map((f) => `    ${f}\n`).join('') : '';
      process.stderr.write(`gasworks: ${error.message}\n${frames}`);
      process.exitCode = 1;
      return;
    }
    if (isAllocationFailure(error)) {
      // An allocation no command foresaw: still one line, and what to do.
      process.stderr.write(`gasworks: ${outOfMemory(process.argv[2] ?? 'gasworks', { what: 'data of this command' }).message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

// Run when executed directly (node dist/apps/cli/main.js, npx gasworks), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/apps[\\/]cli[\\/]main\.(js|ts)$/.test(invoked) || /[\\/]gasworks$/.test(invoked)) {
  await main();
}
