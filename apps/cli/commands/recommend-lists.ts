/**
 * `gasworks recommend top` and `gasworks recommend similar`: the lists a
 * person reads. `top` ranks a user's unseen items, `similar` the items most
 * like one item (cosine of factors). Both take a saved model (`-m`), or
 * train implicit-feedback ALS with its defaults on `-r` when there is none
 * (the default for lists: it ranks best); `--items` adds titles; the table
 * gives each recommendation's reason, the user's rated item most like it.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { defaultWorkers } from '../../../core/engine/index.js';
import type { Ratings } from '../../../core/graph/loaders/movielens.js';
import { indexOfId, loadModel, type FactorModel } from '../../recommender/model.js';
import { recommend } from '../../recommender/recommend.js';
import { itemNorms, mostSimilarRated, similarItems } from '../../recommender/similar.js';
import { openRatings } from '../../recommender/source.js';
import { loadTitles, TITLES_HELP, type Titles } from '../../recommender/titles.js';
import { trainFactorModel } from '../../recommender/train.js';
import { positiveInt } from '../arguments.js';
import { printJson } from '../output.js';
import { plainTable } from '../plain-table.js';
import { progressEnabled } from '../progress.js';

interface ListFlags {
  model?: string;
  ratings?: string;
  n: number;
  items?: string;
  json?: boolean;
  quiet?: boolean;
}

interface TopFlags extends ListFlags {
  user: string;
}

interface SimilarFlags extends ListFlags {
  item: string;
}

/** The model to list from: the saved one, or iALS trained (defaults) on the ratings. */
async function listModel(who: string, flags: ListFlags, ratings: Ratings | null): Promise<FactorModel> {
  if (flags.model !== undefined) return loadModel(flags.model);
  if (ratings === null) throw new UsageError(`${who}: give a saved model (-m FILE) or ratings to train one on (-r FILE)`);
  const show = progressEnabled(flags);
  const run = await trainFactorModel(ratings, {
    algo: 'ials',
    workers: defaultWorkers(),
    onIteration: show ? (i) => process.stderr.write(`\r\x1b[K${who}: training iALS on ${flags.ratings}, iteration ${i}`) : undefined,
  });
  if (show) process.stderr.write('\r\x1b[K');
  return run.model;
}

/** Parse a file id given on the command line, or say what was expected. */
function fileId(who: string, flag: string, value: string, ids: Float64Array, what: string): number {
  const id = Number(value);
  const index = value.trim() !== '' && Number.isFinite(id) ? indexOfId(ids, id) : -1;
  if (index < 0) throw new UsageError(`${who}: ${flag} must be ${what} id in the model (${ids.length} of them, ids ${ids[0]} to ${ids[ids.length - 1]}); got ${value}`);
  return index;
}

const titleOf = (titles: Titles | null, id: number): string | undefined => titles?.get(id);

/** "Star Wars (1977)" or "item 50". */
const named = (titles: Titles | null, id: number): string => titleOf(titles, id) ?? `item ${id}`;

const modelLine = (model: FactorModel, flags: ListFlags): string =>
  flags.model !== undefined ? `model ${flags.model} (${model.algo === 'ials' ? 'iALS' : model.algo.toUpperCase()}, rank ${model.rank})` : `iALS trained on ${flags.ratings} (rank ${model.rank})`;

export function registerRecommendLists(group: Command): void {
  group
    .command('top')
    .description("list a user's best unseen items, with titles and the reason for each (iALS trained on -r when no -m model)")
    .requiredOption('-u, --user <id>', "the user's id as in the ratings file")
    .option('-m, --model <file>', 'a model saved by `gasworks recommend train --save` (default: train iALS on --ratings)')
    .option('-r, --ratings <ratings>', "the ratings: the user's rated items are skipped and give the reasons; trained on when there is no --model")
    .option('-n, --n <n>', 'how many items', positiveInt, 10)
    .option('--items <file>', TITLES_HELP)
    .option('--json', 'print JSON')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: TopFlags) => {
      const who = 'recommend top';
      const ratings = flags.ratings !== undefined ? await openRatings(flags.ratings) : null;
      const titles = flags.items !== undefined ? await loadTitles(flags.items) : null;
      const model = await listModel(who, flags, ratings);
      const u = fileId(who, '--user', flags.user, model.userIds, 'a user');
      const userId = model.userIds[u];
      const exclude = new Uint8Array(model.numItems);
      const rated: number[] = [];
      if (ratings !== null) {
        for (let k = 0; k < ratings.count; k++) {
          if (ratings.userIds[ratings.users[k]] !== userId) continue;
          const i = indexOfId(model.itemIds, ratings.itemIds[ratings.items[k]]);
          if (i >= 0 && exclude[i] === 0) {
            exclude[i] = 1;
            rated.push(i);
          }
        }
      }
      const top = recommend(model, u, flags.n, exclude);
      const norms = itemNorms(model);
      const lines = top.map((t, r) => {
        const because = rated.length > 0 ? mostSimilarRated(model, norms, indexOfId(model.itemIds, t.item), rated) : null;
        return {
          rank: r + 1,
          item: t.item,
          ...(titles ? { title: titleOf(titles, t.item) ?? null } : {}),
          score: t.score,
          ...(because ? { because: { item: model.itemIds[because.index], ...(titles ? { title: titleOf(titles, model.itemIds[because.index]) ?? null } : {}), similarity: because.similarity } } : {}),
        };
      });
      if (flags.json) {
        printJson({ user: userId, algo: model.algo, ratedItems: rated.length, items: lines });
        return;
      }
      const headers = ['#', 'item', ...(titles ? ['title'] : []), 'score', ...(rated.length > 0 ? ['because you rated'] : [])];
      const rows = lines.map((l) => [
        String(l.rank),
        String(l.item),
        ...(titles ? [l.title ?? '(no title)'] : []),
        l.score.toFixed(3),
        ...(l.because ? [`${named(titles, l.because.item)} (${l.because.similarity.toFixed(2)})`] : []),
      ]);
      const skipped = ratings === null ? 'rated items not skipped: give -r' : `${rated.length} rated items skipped`;
      const title = `top ${lines.length} for user ${userId}: ${modelLine(model, flags)}; ${skipped}`;
      process.stdout.write(plainTable(title, headers, rows, headers.map((h) => (h === '#' || h === 'item' || h === 'score' ? 'right' : 'left'))) + '\n');
      if (model.algo !== 'ials' && !flags.quiet) process.stderr.write(`note: a ${model.algo.toUpperCase()} model ranks by predicted rating, which favours rarely-rated items; -a ials (or no -m) ranks better\n`);
    });

  group
    .command('similar')
    .description('list the items most like one item (cosine of their factors; iALS trained on -r when no -m model)')
    .requiredOption('--item <id>', "the item's id as in the ratings file")
    .option('-m, --model <file>', 'a model saved by `gasworks recommend train --save` (default: train iALS on --ratings)')
    .option('-r, --ratings <ratings>', 'ratings to train iALS on when there is no --model')
    .option('-n, --n <n>', 'how many items', positiveInt, 10)
    .option('--items <file>', TITLES_HELP)
    .option('--json', 'print JSON')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: SimilarFlags) => {
      const who = 'recommend similar';
      const titles = flags.items !== undefined ? await loadTitles(flags.items) : null;
      const ratings = flags.model === undefined && flags.ratings !== undefined ? await openRatings(flags.ratings) : null;
      const model = await listModel(who, flags, ratings);
      const i = fileId(who, '--item', flags.item, model.itemIds, 'an item');
      const itemId = model.itemIds[i];
      const lines = similarItems(model, i, flags.n).map((s, r) => ({
        rank: r + 1,
        item: model.itemIds[s.index],
        ...(titles ? { title: titleOf(titles, model.itemIds[s.index]) ?? null } : {}),
        similarity: s.similarity,
      }));
      if (flags.json) {
        printJson({ item: itemId, ...(titles ? { title: titleOf(titles, itemId) ?? null } : {}), algo: model.algo, items: lines });
        return;
      }
      const headers = ['#', 'item', ...(titles ? ['title'] : []), 'similarity'];
      const rows = lines.map((l) => [String(l.rank), String(l.item), ...(titles ? [l.title ?? '(no title)'] : []), l.similarity.toFixed(3)]);
      const title = `${lines.length} items most like ${named(titles, itemId)}${titles?.has(itemId) ? ` (item ${itemId})` : ''}: ${modelLine(model, flags)}`;
      process.stdout.write(plainTable(title, headers, rows, headers.map((h) => (h === 'title' ? 'left' : 'right'))) + '\n');
    });
}
