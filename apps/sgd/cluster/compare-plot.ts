/**
 * The picture of `gasworks sgd --cluster --compare`: test log-loss after
 * each round against the seconds and against the bytes sent so far, a line
 * per mode, two panels side by side; drawn by vega-lite, compiled to vega
 * and rendered to SVG in Node (no browser). Loaded only for --compare.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ComparePoint {
  mode: string;
  round: number;
  /** Seconds and bytes sent since the run began, after this round. */
  seconds: number;
  bytes: number;
  testLogLoss: number;
}

export async function comparePlotSvg(points: readonly ComparePoint[], title: string): Promise<string> {
  const panel = (field: 'seconds' | 'bytes', axis: string): object => ({
    width: 300,
    height: 240,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field, type: 'quantitative', title: axis },
      y: { field: 'testLogLoss', type: 'quantitative', title: 'test log-loss', scale: { zero: false } },
      color: { field: 'mode', type: 'nominal', title: 'mode' },
      order: { field: 'round', type: 'quantitative' },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: points.map((p) => ({ ...p })) },
    hconcat: [panel('seconds', 'seconds'), panel('bytes', 'bytes sent between machines')],
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
