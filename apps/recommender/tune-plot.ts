/**
 * The plot of a tuning run (`recommend tune --plot`): the score of every
 * setting against each searched parameter, a panel per parameter (log
 * scale, the best setting highlighted), drawn by vega-lite and rendered to
 * SVG in Node. Apart from tune.ts so that vega loads only when a plot is
 * asked for.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { TuneResult } from './tune.js';

const LABELS: Record<string, string> = { rank: 'rank', lambda: 'lambda', iterations: 'iterations', learningRate: 'learning rate', alpha: 'alpha' };

export async function tunePlotSvg(result: TuneResult): Promise<string> {
  const searched = Object.keys(result.trials[0]?.params ?? {}).filter((name) => new Set(result.trials.map((t) => t.params[name as keyof typeof t.params])).size > 1);
  const names = searched.length > 0 ? searched : Object.keys(result.trials[0]?.params ?? {});
  const metric = result.metric === 'rmse' ? 'test RMSE' : `${result.metric}@${result.k}`;
  const values = result.trials
    .filter((t) => Number.isFinite(t.score))
    .flatMap((t) => names.map((name) => ({ parameter: LABELS[name] ?? name, value: t.params[name as keyof typeof t.params], score: t.score, best: t === result.best ? 'best' : 'other' })));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `recommend tune: ${result.algo}, ${metric} (${result.folds > 1 ? `${result.folds}-fold mean` : 'given split'})`,
    data: { values },
    facet: { column: { field: 'parameter', type: 'nominal', title: null } },
    spec: {
      width: 200,
      height: 200,
      mark: { type: 'point', filled: true },
      encoding: {
        x: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: null },
        y: { field: 'score', type: 'quantitative', scale: { zero: false }, title: metric },
        color: { field: 'best', type: 'nominal', scale: { domain: ['best', 'other'], range: ['#d62728', '#4c78a8'] }, title: null },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
