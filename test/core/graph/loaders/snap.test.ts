import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { statSync } from 'node:fs';
import { loadEdgeList, parseEdgeList } from '../../../../core/graph/loaders/snap.js';
import type { EdgeList } from '../../../../core/graph/edge-list.js';
import { dataset, tempDir, needsData } from '../../../helpers.js';
import { rejectsInput, writeText } from './input-error.js';

const dir = tempDir();

/** The list's edges in file ids, as [source, target, weight] triples. */
function fileEdges(list: EdgeList): Array<[number, number, number]> {
  const ids = list.idMap!.ids();
  const out: Array<[number, number, number]> = [];
  for (let e = 0; e < list.length; e++) out.push([ids[list.src[e]], ids[list.dst[e]], list.weight ? list.weight[e] : 1]);
  return out;
}

needsData(test, 'snap/wiki-Vote.txt.gz', 'snap/soc-Epinions1.txt.gz', 'snap/ca-GrQc.txt.gz')('SNAP datasets: counts as published', async () => {
  const wiki = dataset('snap/wiki-Vote.txt.gz', 'wiki-Vote');
  if (wiki) {
    const g = await loadEdgeList(wiki);
    assert.is(g.numVertices, 7115);
    assert.is(g.numEdges, 103689);
    assert.is(g.weights, null);
    assert.is(g.countSelfLoops(), 0);
    assert.is(g.fileIds![0], 3);
    assert.is(g.fileIds![7114], 8297);
  }
  const epinions = dataset('snap/soc-Epinions1.txt.gz', 'soc-Epinions1');
  if (epinions) {
    const g = await loadEdgeList(epinions);
    assert.is(g.numVertices, 75879);
    assert.is(g.numEdges, 508837);
  }
  const grqc = dataset('snap/ca-GrQc.txt.gz', 'ca-GrQc');
  if (grqc) {
    const directed = await loadEdgeList(grqc);
    assert.is(directed.numVertices, 5242);
    assert.is(directed.numEdges, 28980);
    assert.is(directed.countSelfLoops(), 12);
    // Both directions are listed, so undirected + drop duplicates stores each
    // of the 14,484 non-loop pairs twice plus the 12 loops once: 28,980 again
    // (SNAP's 14,496 undirected edges = 14,484 + 12).
    const undirected = await loadEdgeList(grqc, { undirected: true, duplicates: 'drop' });
    assert.is(undirected.numVertices, 5242);
    assert.is(undirected.numEdges, 28980);
    const noLoops = await loadEdgeList(grqc, { undirected: true, duplicates: 'drop', selfLoops: 'drop' });
    assert.is(noLoops.numEdges / 2, 14484);
  }
});

test('comments, blank lines, tabs and spaces, CRLF, no final newline, gzip', async () => {
  const text = '# a comment\r\n% another\r\n\r\n  10\t20\r\n20   30 \r\n\t \r\n30 \t10\r\n10 10';
  for (const name of ['mixed.txt', 'mixed.txt.gz']) {
    const path = writeText(dir, name, text);
    const list = await parseEdgeList(path);
    assert.is(list.weight, null);
    assert.equal(fileEdges(list), [
      [10, 20, 1],
      [20, 30, 1],
      [30, 10, 1],
      [10, 10, 1],
    ]);
    const g = await loadEdgeList(path);
    assert.is(g.numVertices, 3);
    assert.equal(Array.from(g.fileIds!), [10, 20, 30]);
    assert.equal(Array.from(g.outNeighbors(0)), [0, 1]);
  }
});

test('onProgress reports bytes read up to the (compressed) file size', async () => {
  const path = writeText(dir, 'progress.txt.gz', '1 2\n'.repeat(1000));
  let done = 0;
  let total = 0;
  const g = await loadEdgeList(path, { onProgress: (d, t) => ((done = d), (total = t)) });
  assert.is(g.numEdges, 1000);
  assert.is(total, statSync(path).size);
  assert.is(done, total);
});

test('weighted: auto-detected third column, decimals, exponents, negatives', async () => {
  const path = writeText(dir, 'weighted.txt', '1 2 0.5\n2 3 -1.25e2\n3 1 7\n');
  const list = await parseEdgeList(path);
  assert.equal(fileEdges(list), [
    [1, 2, 0.5],
    [2, 3, -125],
    [3, 1, 7],
  ]);
  const g = await loadEdgeList(path, { weighted: true });
  assert.equal(Array.from(g.weights!), [0.5, -125, 7]);
  await rejectsInput(loadEdgeList(path, { weighted: false }), path, 1, 'extra "0.5"');
});

test('ids beyond the raw table (above 2^27) and up to 2^53 - 1 load the same', async () => {
  const big = 2 ** 53 - 1;
  const path = writeText(dir, 'big.txt', `5 7\n7 ${big}\n${big} 5\n134217728 5\n`);
  const list = await parseEdgeList(path);
  assert.equal(fileEdges(list), [
    [5, 7, 1],
    [7, big, 1],
    [big, 5, 1],
    [134217728, 5, 1],
  ]);
  const g = await loadEdgeList(path);
  assert.equal(Array.from(g.fileIds!), [5, 7, 134217728, big]);
  assert.is(g.denseId(big), 3);
  assert.equal(Array.from(g.outNeighbors(3)), [0]);
});

test('random edge lists written as text parse back to the same edges (property)', async () => {
  let round = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.tuple(
          fc.oneof(fc.nat(50), fc.nat(2 ** 40), fc.constant(2 ** 53 - 1)),
          fc.nat(60),
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        ),
        { minLength: 1, maxLength: 60 },
      ),
      fc.boolean(),
      fc.array(fc.constantFrom(' ', '\t', '  ', ' \t '), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('\n', '\r\n'),
      fc.array(fc.constantFrom('# comment', '% note', '', '  '), { maxLength: 5 }),
      fc.boolean(),
      async (edges, weighted, separators, eol, extras, gzip) => {
        const lines: string[] = [...extras];
        edges.forEach(([s, t, w], i) => {
          const sep = separators[i % separators.length];
          lines.push(weighted ? `${s}${sep}${t}${sep}${w}` : `${s}${sep}${t}`);
          if (i % 7 === 3 && extras.length > 0) lines.push(extras[i % extras.length]);
        });
        const path = writeText(dir, `prop-${round++}.txt${gzip ? '.gz' : ''}`, lines.join(eol) + (round % 2 ? eol : ''));
        const list = await parseEdgeList(path);
        assert.is(list.weighted, weighted);
        assert.equal(
          fileEdges(list),
          edges.map(([s, t, w]) => [s, t, weighted ? w : 1]),
        );
      },
    ),
    { seed: 42, numRuns: 150 },
  );
});

test('malformed lines are InputErrors naming file and line', async () => {
  const cases: Array<[string, number | null, string, object?]> = [
    ['# only a comment\n\n', null, 'no edges'],
    ['', null, 'no edges'],
    ['1 2\nx 3\n', 2, 'found "x"'],
    ['1 2\n3 -4\n', 2, 'negative "-4"'],
    ['1 2\n# c\n5\n', 3, 'found 1'],
    ['1 2\n3 4 5 6\n', 2, 'extra "5"'],
    ['1 2 3 4\n', 1, 'extra "4"'],
    ['1 2 1\n3 4 z\n', 2, 'found "z"'],
    ['1 2 1\n3 4\n', 2, 'missing column'],
    ['1 2 NaN\n', 1, 'finite number'],
    ['1 2 1\n3 4 Infinity\n', 2, 'finite number'],
    ['1 2 1\n3 4 1e999\n', 2, 'finite number'],
    ['1 9007199254740992\n', 1, '2^53'],
    ['1.5 2\n', 1, 'found "1.5"'],
    ['1 2x\n', 1, 'found "2x"'],
    ['1 2\r\n3 4 5\r\n', 2, 'extra', { weighted: false }],
  ];
  let i = 0;
  for (const [text, line, fragment, options] of cases) {
    const path = writeText(dir, `bad-${i++}.txt`, text);
    await rejectsInput(loadEdgeList(path, options ?? {}), path, line, fragment);
  }
  const gz = writeText(dir, 'bad.txt.gz', '1 2\n'.repeat(100) + '1 two\n');
  await rejectsInput(loadEdgeList(gz), gz, 101, 'found "two"');
});

test.run();
