/**
 * `--compare FILE.json`: a previous run's figures (the JSON `bench
 * partitioners` writes, or a hand-written file of published figures such as
 * bench/reference/2ps-authors-soc-Epinions1.json) beside the new ones. A
 * previous record matches a new one with the same graph, algo and k, and the
 * same stream order when it names one. Only `graph`, `algo`, `k` and
 * `replicationFactor` are required of a previous record; `edgeBalance`,
 * `seconds`, `order`, `source` and `note` are shown when present.
 */
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { UsageError } from '../../core/errors.js';
import type { BenchRecord } from './run.js';

export interface PreviousRecord {
  graph: string;
  algo: string;
  k: number;
  replicationFactor: number;
  order?: string;
  edgeBalance?: number;
  seconds?: number;
  source?: string;
  note?: string;
}

export interface Comparison {
  record: BenchRecord;
  previous: PreviousRecord;
  /** New replication factor / previous. */
  ratio: number;
}

/** Read and check a --compare file; `who` names the command in errors. */
export async function readPreviousRecords(path: string, who = 'bench partitioners'): Promise<PreviousRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${who}: --compare ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${who}: --compare ${path} must be JSON (a list of records); got ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UsageError(`${who}: --compare ${path} must be a JSON list of records; got ${data === null ? 'null' : typeof data}`);
  data.forEach((r, i) => {
    const ok =
      r !== null && typeof r === 'object' && typeof r.graph === 'string' && typeof r.algo === 'string' &&
      Number.isInteger(r.k) && typeof r.replicationFactor === 'number' && Number.isFinite(r.replicationFactor);
    if (!ok) throw new UsageError(`${who}: --compare ${path}: record ${i} must have graph, algo (strings), k (an integer) and replicationFactor (a number); got ${JSON.stringify(r).slice(0, 120)}`);
  });
  return data as PreviousRecord[];
}

export function compareRecords(records: readonly BenchRecord[], previous: readonly PreviousRecord[]): Comparison[] {
  const out: Comparison[] = [];
  for (const record of records) {
    for (const p of previous) {
      if (p.graph !== record.graph || p.algo !== record.algo || p.k !== record.k) continue;
      if (p.order !== undefined && p.order !== record.order) continue;
      out.push({ record, previous: p, ratio: record.replicationFactor / p.replicationFactor });
    }
  }
  return out;
}

const HEAD = ['graph', 'k', 'algo', 'order', 'repl. factor', 'previous', 'ratio', 'edge bal.', 'previous', 'seconds', 'previous', 'note'];

function cells(c: Comparison): string[] {
  const { record: r, previous: p } = c;
  return [
    r.graph,
    String(r.k),
    r.algo,
    r.order,
    r.replicationFactor.toFixed(3),
    p.replicationFactor.toFixed(3),
    c.ratio.toFixed(3),
    r.edgeBalance.toFixed(3),
    p.edgeBalance === undefined ? '' : p.edgeBalance.toFixed(3),
    r.seconds.toFixed(3),
    p.seconds === undefined ? '' : p.seconds.toFixed(3),
    p.note ?? '',
  ];
}

export function comparisonTable(comparisons: readonly Comparison[]): string {
  const table = new Table({ head: HEAD, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] } });
  for (const c of comparisons) table.push(cells(c));
  return table.toString();
}

export function comparisonMarkdown(comparisons: readonly Comparison[], file: string): string {
  const sources = [...new Set(comparisons.map((c) => c.previous.source).filter((s): s is string => s !== undefined))];
  const lines = ['', `## Compared with ${file}`, ''];
  if (sources.length > 0) lines.push(`Previous figures: ${sources.join('; ')}.`, '');
  if (comparisons.length === 0) {
    lines.push('No previous record has the graph, partitioner and k of a run here.');
    return lines.join('\n') + '\n';
  }
  lines.push(`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i >= 4 && i < 11 ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const c of comparisons) lines.push(`| ${cells(c).join(' | ')} |`);
  return lines.join('\n') + '\n';
}
