import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRAPH_FORMATS, detectFormat, loadGraph } from '../../../core/graph/load.js';
import { UsageError } from '../../../core/errors.js';
import { dataset, tempDir, needsData } from '../../helpers.js';
import { rejectsInput, writeText } from './loaders/input-error.js';

const dir = tempDir();

test('auto detection by name, after stripping .gz', () => {
  const cases: Array<[string, string]> = [
    ['/x/graph.bin', 'bin'],
    ['g.GWG', 'bin'],
    ['a/b/m.mtx.gz', 'mtx'],
    ['u.data', 'movielens'],
    ['ml-100k.u.data.gz', 'movielens'],
    ['ml-100k.u1.base.gz', 'movielens'],
    ['ua.test', 'movielens'],
    ['ml-1m/ratings.dat', 'movielens'],
    ['ratings.csv.gz', 'movielens'],
    ['soc-sign-bitcoinotc.csv.gz', 'signed'],
    ['wiki-Vote.txt.gz', 'snap'],
    ['edges', 'snap'],
  ];
  for (const [path, format] of cases) assert.is(detectFormat(path), format, path);
  assert.ok(GRAPH_FORMATS.some((f) => f.name === 'auto'));
  assert.ok(GRAPH_FORMATS.every((f) => f.description.length > 0));
});

test('every text format through loadGraph', async () => {
  const snap = await loadGraph(writeText(dir, 'e.txt', '1 2\n2 3\n'));
  assert.equal([snap.numVertices, snap.numEdges, snap.weights], [3, 2, null]);
  const weighted = await loadGraph(writeText(dir, 'w.txt', '1 2 0.5\n'));
  assert.equal(Array.from(weighted.weights!), [0.5]);
  const forced = await loadGraph(writeText(dir, 'f.edges', '1 2 3\n'), { format: 'weighted', undirected: true });
  assert.equal([forced.numEdges, forced.undirected], [2, true]);
  const mtx = await loadGraph(writeText(dir, 'm.mtx', '%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2\n'));
  assert.equal([mtx.numVertices, mtx.numEdges], [2, 1]);
  const ml = await loadGraph(writeText(dir, 'u.data', '1\t10\t5\t100\n2\t10\t3\t101\n'));
  assert.equal([ml.numVertices, ml.numEdges], [3, 2]);
  assert.equal(Array.from(ml.vertexColumns.side), [0, 0, 1]);
  const signed = await loadGraph(writeText(dir, 's.csv', '1,2,-3,100\n'));
  assert.equal(Array.from(signed.weights!), [-3]);
  const explicit = await loadGraph(writeText(dir, 'odd-name', '1,2,-3,100\n'), { format: 'signed' });
  assert.equal(Array.from(explicit.edgeColumns.time), [100]);
  const bad = writeText(dir, 'bad.txt', '1 2\n3\n');
  await rejectsInput(loadGraph(bad), bad, 2, 'found 1');
});

test('unknown format is a UsageError', async () => {
  let error: unknown = null;
  try {
    await loadGraph('x.txt', { format: 'nope' as never });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof UsageError);
});

const binaryModule = fileURLToPath(new URL('../../../core/graph/binary.js', import.meta.url));
const haveBinary = existsSync(binaryModule) || existsSync(binaryModule.replace(/\.js$/, '.ts'));

needsData(test, 'snap/wiki-Vote.txt.gz')('binary graph files round-trip through loadGraph (when core/graph/binary exists)', async () => {
  if (!haveBinary) {
    console.log('  skip: core/graph/binary not present');
    return;
  }
  const path = dataset('snap/wiki-Vote.txt.gz', 'wiki-Vote via binary');
  const source = path ?? writeText(dir, 'small.txt', '5 6\n6 7\n7 5\n');
  const g = await loadGraph(source);
  const binary = (await import(new URL('../../../core/graph/binary.js', import.meta.url).href)) as {
    writeGraphFile(path: string, graph: unknown): Promise<void>;
  };
  const file = join(dir, 'g.gwg');
  await binary.writeGraphFile(file, g);
  const back = await loadGraph(file);
  assert.equal([back.numVertices, back.numEdges], [g.numVertices, g.numEdges]);
  assert.equal(Array.from(back.outTargets), Array.from(g.outTargets));
  assert.equal(Array.from(back.fileIds!), Array.from(g.fileIds!));
});

test.run();
