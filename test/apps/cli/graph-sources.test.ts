/**
 * The library takes what the command line takes, and every command reads
 * every graph source: loadGraph on generator specs (the same graph `info`
 * describes), `bench partitioners` on a .gwg binary graph, a weighted edge
 * list, er: and grid:, `info -` from standard input (any --format), and
 * `-q` on fraud and sgd like every other command.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGraph } from '../../../core/graph/load.js';
import { gasworks } from './cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
const mainJs = fileURLToPath(new URL('../../../apps/cli/main.js', import.meta.url));

test('loadGraph takes generator specs: the graphs info describes', async () => {
  for (const [spec, edges] of [['rmat:8', 4096], ['er:100:4', 400], ['grid:4x5', 62]] as const) {
    const graph = await loadGraph(spec);
    const info = JSON.parse(gasworks(['info', spec, '--json', '-q']).stdout);
    assert.is(graph.numEdges, edges, spec);
    assert.is(graph.numVertices, info.vertices, spec);
    assert.is(graph.numEdges, info.edges, spec);
  }
  await loadGraph('rmat:x').then(
    () => assert.unreachable('rmat:x accepted'),
    (error: Error) => assert.match(error.message, /graph spec "rmat:x": SCALE must be a whole number >= 0; got "x"/),
  );
});

test('bench partitioners reads a .gwg, a weighted list, er: and grid:', () => {
  const gwg = join(dir, 'g.gwg');
  assert.is(gasworks(['generate', 'grid', '--rows', '6', '--cols', '7', '--out', gwg, '-q']).status, 0);
  const weighted = join(dir, 'w.txt');
  writeFileSync(weighted, '1 2 0.5\n2 3 1.5\n3 1 2\n3 4 1\n');
  const out = join(dir, 'bench');
  for (const [graph, extra, edges] of [
    [gwg, [], 6 * 6 + 7 * 5],
    [weighted, [], 4],
    [weighted, ['--format', 'weighted'], 4],
    ['er:50:4', [], 100],
    ['grid:6x7', [], 6 * 6 + 7 * 5],
  ] as const) {
    const r = gasworks(['bench', 'partitioners', '--graph', graph, ...extra, '--parts', '2', '--algos', 'random,hdrf', '-q', '--json', '--out', out]);
    assert.is(r.status, 0, `${graph}: ${r.stderr}`);
    const records = r.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.is(records.length, 2, graph);
    for (const record of records) assert.is(record.edges, edges, `${graph} ${record.algo}`);
  }
  const bad = gasworks(['bench', 'partitioners', '--graph', weighted, '--format', 'pdf', '-q', '--out', out]);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /^gasworks: bench partitioners: --format must be one of auto, bin, mtx/);
});

test('info - reads standard input, in any --format, and leaves nothing in the temporary folder', () => {
  const before = readdirSync(tmpdir()).filter((name) => name.startsWith('gasworks-stdin-')).length;
  const run = (args: string[], input: string | Buffer) => spawnSync(process.execPath, [mainJs, 'info', '-', '--json', '-q', ...args], { input, encoding: 'utf8', timeout: 30_000 });
  const list = run([], '# edges\n1 2\n2 3\n3 1\n3 4\n');
  assert.is(list.status, 0, list.stderr);
  assert.is(JSON.parse(list.stdout).edges, 4);
  assert.is(JSON.parse(list.stdout).graph, 'stdin');
  const mtx = run(['--format', 'mtx'], '%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 2\n2 3\n');
  assert.is(mtx.status, 0, mtx.stderr);
  assert.is(JSON.parse(mtx.stdout).edges, 2);
  const after = readdirSync(tmpdir()).filter((name) => name.startsWith('gasworks-stdin-')).length;
  assert.is(after, before);
});

test('fraud and sgd take -q like every other command', () => {
  const network = join(dir, 'net.csv');
  writeFileSync(network, '1,2,5,0\n2,3,-4,0\n3,1,2,0\n4,1,-10,0\n');
  const fraud = gasworks(['fraud', '-n', network, '-q', '--json']);
  assert.is(fraud.status, 0, fraud.stderr);
  const sgd = gasworks(['sgd', '--train', 'planted:2000:50:5', '-e', '1', '-q', '--json']);
  assert.is(sgd.status, 0, sgd.stderr);
  assert.is(sgd.stderr, '');
});

test.run();
