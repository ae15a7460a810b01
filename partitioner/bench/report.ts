/**
 * How partitioner benchmark results are shown and kept: a terminal table
 * (core/util/table.ts), a Markdown table, JSON, and an SVG chart of replication factor
 * against k (a line per partitioner, a panel per graph) drawn by vega-lite,
 * compiled to vega and rendered in Node with no browser. `writeBenchFiles`
 * writes all three files into a folder, each temp-then-rename.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatTable } from '../../core/util/table.js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../../core/io/atomic-write.js';
import type { BenchRecord } from './run.js';

const HEAD = ['graph', 'k', 'algo', 'order', 'repl. factor', 'edge bal.', 'vertex bal.', 'cut', 'seconds', 'Medges/s'];

function row(r: BenchRecord): string[] {
  return [
    r.graph,
    String(r.k),
    r.algo,
    r.order,
    r.replicationFactor.toFixed(3),
    r.edgeBalance.toFixed(3),
    r.vertexBalance.toFixed(3),
    r.cutFraction === null ? '' : r.cutFraction.toFixed(3),
    r.seconds.toFixed(3),
    (r.edgesPerSecond / 1e6).toFixed(1),
  ];
}

export function benchTable(records: readonly BenchRecord[]): string {
  return formatTable({ title: 'gasworks bench partitioners', head: HEAD, rows: records.map(row) });
}

export function benchMarkdown(records: readonly BenchRecord[], title = 'Partitioner benchmark'): string {
  const lines = [`# ${title}`, ''];
  if (records.length > 0) {
    const r = records[0];
    lines.push(
      `Stream order: ${[...new Set(records.map((x) => x.order))].join(', ')}; seed ${r.seed}; balance slack ${r.balanceSlack}; HDRF lambda ${records.find((x) => x.lambda !== null)?.lambda ?? 1}, balance term ${records.find((x) => x.balanceTerm !== null)?.balanceTerm ?? 'normalized'}, degrees ${records.find((x) => x.degrees !== null)?.degrees ?? 'partial'}. ` +
        `Seconds are medians over ${r.secondsAll.length} run(s), single-threaded, Node ${process.version}.`,
      '',
    );
  }
  lines.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map((h, i) => (i >= 4 ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const r of records) lines.push(`| ${row(r).join(' | ')} |`);
  return lines.join('\n') + '\n' + degreeClassMarkdown(records);
}

/**
 * With `--by-degree`: for each graph, order and k, copies per vertex in each degree class, a
 * column per partitioner: which vertices each one replicates (HDRF: the high-degree ones).
 */
function degreeClassMarkdown(records: readonly BenchRecord[]): string {
  const withClasses = records.filter((r) => r.replicasByDegree !== undefined);
  if (withClasses.length === 0) return '';
  const lines = ['', '## Copies per vertex by degree class', ''];
  const groups = new Map<string, BenchRecord[]>();
  for (const r of withClasses) {
    const key = `${r.graph}, ${r.order}, k = ${r.k}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, runs] of groups) {
    const lows = [...new Set(runs.flatMap((r) => r.replicasByDegree!.map((c) => c.minDegree)))].sort((a, b) => a - b);
    lines.push(`### ${key}`, '', `| degree | vertices | ${runs.map((r) => r.algo).join(' | ')} |`, `| --- | ---: |${runs.map(() => ' ---: ').join('|')}|`);
    for (const low of lows) {
      const cells = runs.map((r) => {
        const c = r.replicasByDegree!.find((x) => x.minDegree === low);
        return c === undefined ? '' : (c.replicas / c.vertices).toFixed(2);
      });
      const vertices = runs[0].replicasByDegree!.find((x) => x.minDegree === low)?.vertices ?? 0;
      lines.push(`| ${low}-${2 * low - 1} | ${vertices} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Replication factor against k, a line per partitioner, a panel per graph (and stream order, when runs mix them). */
export async function benchChartSvg(records: readonly BenchRecord[]): Promise<string> {
  const mixedOrders = new Set(records.map((r) => r.order)).size > 1;
  const panel = (r: BenchRecord): string => (mixedOrders ? `${r.graph} (${r.order})` : r.graph);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: records.map((r) => ({ graph: panel(r), algo: r.algo, k: r.k, replicationFactor: r.replicationFactor })) },
    facet: { column: { field: 'graph', type: 'nominal', title: null } },
    spec: {
      width: 260,
      height: 220,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'k', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: [...new Set(records.map((r) => r.k))] }, title: 'parts k' },
        y: { field: 'replicationFactor', type: 'quantitative', title: 'replication factor' },
        color: { field: 'algo', type: 'nominal', title: 'partitioner' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export interface WrittenFiles {
  json: string;
  markdown: string;
  svg: string;
}

/** Write `<name>.json`, `<name>.md` and `<name>.svg` into `dir` (created if missing). */
export async function writeBenchFiles(dir: string, records: readonly BenchRecord[], name = 'partitioners', extraMarkdown = ''): Promise<WrittenFiles> {
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, `${name}.json`), markdown: join(dir, `${name}.md`), svg: join(dir, `${name}.svg`) };
  await writeFileAtomic(files.json, JSON.stringify(records, null, 2) + '\n');
  await writeFileAtomic(files.markdown, benchMarkdown(records) + extraMarkdown);
  await writeFileAtomic(files.svg, await benchChartSvg(records));
  return files;
}
