/**
 * Every command's table reads the same at a glance: a title line, then
 * compact rows (no box drawing, no rule between rows), numbers right-aligned.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gasworks } from './cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();

test('info, run, bench partitioners and start print compact tables with one title line', () => {
  for (const [args, title] of [
    [['info', 'grid:3x4', '-q'], /^grid:3x4$/],
    [['run', 'pagerank', '-g', 'grid:3x4', '-i', '2', '-q'], /^gasworks run pagerank$/],
    [['bench', 'partitioners', '--graph', 'rmat:6', '--parts', '2', '--algos', 'random', '-q', '--out', dir], /^gasworks bench partitioners$/],
    [['start', '-q'], /^gasworks quick start: /],
  ] as const) {
    const r = gasworks([...args]);
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], title, args.join(' '));
    assert.not.match(r.stdout, /[│┌┐└┘├┤┼]/, `${args.join(' ')}: box drawing in ${r.stdout}`);
    // At most one rule, right under a header.
    assert.ok(lines.filter((l) => /^[─ ]+$/.test(l)).length <= (args[0] === 'start' ? 1 : 1), args.join(' '));
  }
  const info = gasworks(['info', 'grid:3x4', '-q']).stdout.split('\n');
  assert.ok(info.includes('vertices                  12'), info.join('\n'));
  const bench = gasworks(['bench', 'partitioners', '--graph', 'rmat:6', '--parts', '2', '--algos', 'random', '-q', '--out', dir]).stdout.split('\n');
  assert.match(bench[1], /^graph  +k  algo/);
  assert.match(bench[2], /^─+  ─  ─+/);
  assert.match(bench[3], /^rmat:6  2  random/);
});

test.run();
