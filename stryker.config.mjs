/**
 * Mutation testing (Stryker, `npm run test:mutation`): does the suite notice
 * one-line bugs in core/engine, vertex-programs and partitioner? Stryker
 * mutates the compiled JavaScript in dist/ (so no compile per mutant: the
 * TypeScript is built once, by the npm script) in a sandbox copy, and runs
 * the uvu tests of the mutated area through the command runner; a mutant the
 * tests still pass is a bug they would miss. One area per run (the test
 * commands differ), picked by MUTATE (engine, vertex-programs, partitioner),
 * or a file list in MUTATE_FILES (globs under dist/, comma-separated) to
 * look at a few files at a time. Not part of `npm test`: it takes hours.
 */
const uvu = (dir, pattern = '\\.test\\.js$') => `node node_modules/uvu/bin.js ${dir} "${pattern}"`;

const AREAS = {
  'vertex-programs': { mutate: ['dist/vertex-programs/*.js'], command: uvu('dist/test/vertex-programs') },
  partitioner: { mutate: ['dist/partitioner/*.js'], command: uvu('dist/test/partitioner') },
  engine: { mutate: ['dist/core/engine/*.js'], command: uvu('dist/test/core/engine') },
};

const area = AREAS[process.env.MUTATE ?? 'vertex-programs'];
if (area === undefined) throw new Error(`MUTATE must be one of ${Object.keys(AREAS).join(', ')}; got ${process.env.MUTATE}`);
const files = process.env.MUTATE_FILES ? process.env.MUTATE_FILES.split(',').map((f) => f.trim()) : area.mutate;

export default {
  testRunner: 'command',
  commandRunner: { command: process.env.MUTATE_COMMAND ?? area.command },
  mutate: files,
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  // A mutant that loops for ever is a kill (timeout), not a hang of the run.
  timeoutMS: 30_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATE ?? 'vertex-programs'}.json` },
  ignorePatterns: ['reports', 'bench/results', '.scratch', 'out'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
