/**
 * `gasworks fraud` as a user meets it, in a child process: a small signed
 * network in file ids with a labels file, --json with the AUC and the top
 * accounts, --out scores in file ids; and user mistakes that exit 1 with one
 * line and no stack trace.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectUserMistakes, gasworks } from './cli-runner.js';
import { tempDir } from '../../helpers.js';

const dir = tempDir();
// Honest raters 100-103 agree on accounts 500 (+10) and 600 (-10); 104 says the opposite.
const lines: string[] = [];
for (const u of [100, 101, 102, 103]) lines.push(`${u},500,10,1`, `${u},600,-10,2`);
lines.push('104,500,-10,3', '104,600,10,4');
const networkFile = join(dir, 'net.csv');
writeFileSync(networkFile, lines.join('\n') + '\n');
const labelsFile = join(dir, 'gt.csv');
writeFileSync(labelsFile, 'node_id,label\n104,-1\n600,-1\n100,1\n101,1\n500,1\n999,1\n');

test('fraud --json --out: REV2 ranks the contrarian rater and the panned account first', () => {
  const out = join(dir, 'scores.tsv');
  const r = gasworks(['fraud', '-n', networkFile, '-l', labelsFile, '-t', '2', '-w', '2', '-o', out, '--json']);
  assert.is(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.is(s.accounts, 7);
  assert.is(s.ratings, 10);
  assert.is(s.labelsNotInNetwork, 1);
  assert.is(s.auc, 1);
  assert.equal(new Set(s.top.map((t: { account: number }) => t.account)), new Set([104, 600]));
  const written = new Map(readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split('\t')).map(([id, x]) => [Number(id), Number(x)]));
  assert.is(written.size, 7);
  assert.ok(written.get(104)! > written.get(100)!, 'the contrarian scores above an honest rater');
});

test('fraud --method bp seeds from the labels and judges on the rest', () => {
  const r = gasworks(['fraud', '-n', networkFile, '-l', labelsFile, '-m', 'bp', '--seed-fraction', '0.5', '--json']);
  assert.is(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.is(s.method, 'bp');
  assert.is(s.fraudulent + s.benign + s.labelsNotInNetwork + s.seeds, 6);
});

test('fraud: user mistakes exit 1 with a message and no stack trace', () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, '1,2,5\n1,2\n');
  expectUserMistakes([
    [['fraud', '-n', bad], /bad\.csv:2: expected 3 columns/],
    [['fraud', '-n', networkFile, '-m', 'magic'], /--method must be one of rev2, bp, negative/],
    [['fraud', '-n', networkFile, '-m', 'bp'], /--method bp starts from labelled accounts/],
    [['fraud', '-n', networkFile, '-k', '10,x'], /--k must be positive integers/],
    [['fraud', '-n', join(dir, 'missing.csv')], /missing\.csv/],
  ] as const, assert);
});

test.run();
