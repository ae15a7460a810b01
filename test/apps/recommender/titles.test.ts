/**
 * Item titles from every format MovieLens ships them in, written here:
 * u.item (Latin-1, pipes), movies.dat (`::`), movies.csv (header, quoted
 * titles with commas and quotes, UTF-8), a bare id,title CSV, gzip; a bad
 * id is an InputError naming the file and line. And the real u.item when
 * the dataset is present.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.js';
import { loadTitles } from '../../../apps/recommender/titles.js';
import { dataset, tempDir } from '../../helpers.js';

const dir = tempDir();

test('u.item (Latin-1), movies.dat, movies.csv (quoted), id,title CSV and gzip', async () => {
  const uItem = join(dir, 'u.item');
  writeFileSync(uItem, Buffer.from('1|Toy Story (1995)|01-Jan-1995||http://x|0|1\n2|Misérables, Les (1995)|01-Jan-1995||http://y|0|0\n', 'latin1'));
  assert.equal([...(await loadTitles(uItem))], [[1, 'Toy Story (1995)'], [2, 'Misérables, Les (1995)']]);
  const dat = join(dir, 'movies.dat');
  writeFileSync(dat, '1::Toy Story (1995)::Animation|Comedy\r\n10::GoldenEye (1995)::Action\r\n');
  assert.equal([...(await loadTitles(dat))], [[1, 'Toy Story (1995)'], [10, 'GoldenEye (1995)']]);
  const csv = join(dir, 'movies.csv');
  writeFileSync(csv, 'movieId,title,genres\n11,"American President, The (1995)",Comedy\n12,"Dracula: Dead and ""Loving"" It (1995)",Horror\n13,Amélie (2001),Comedy\n');
  assert.equal([...(await loadTitles(csv))], [[11, 'American President, The (1995)'], [12, 'Dracula: Dead and "Loving" It (1995)'], [13, 'Amélie (2001)']]);
  const bare = join(dir, 'titles.csv.gz');
  writeFileSync(bare, gzipSync('5,Five\n6,Six\n'));
  assert.equal([...(await loadTitles(bare))], [[5, 'Five'], [6, 'Six']]);
});

test('a line without a whole-number id is an InputError naming file and line; a missing file too', async () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'id,title\n1,One\nx,Two\n');
  try {
    await loadTitles(bad);
    assert.unreachable('loaded');
  } catch (error) {
    assert.instance(error, InputError);
    assert.match((error as Error).message, /bad\.csv:3: expected an item id \(a whole number\) in column 1, found "x"/);
  }
  try {
    await loadTitles(join(dir, 'none.csv'));
    assert.unreachable('loaded');
  } catch (error) {
    assert.instance(error, InputError);
    assert.match((error as Error).message, /none\.csv: cannot open: no such file/);
  }
});

test('MovieLens 100K u.item: 1,682 titles', async () => {
  const path = dataset('movielens/ml-100k.u.item.gz', 'u.item titles');
  if (path === null) return;
  const titles = await loadTitles(path);
  assert.is(titles.size, 1682);
  assert.is(titles.get(50), 'Star Wars (1977)');
});

test.run();
