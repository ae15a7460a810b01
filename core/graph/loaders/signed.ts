/**
 * Signed rating networks (SNAP's Bitcoin OTC / Alpha: `source,target,rating,time`
 * per line, no header, time possibly fractional) and the `node_id,label`
 * ground-truth files that go with them (REV2's otc_gt.csv). The network loads
 * as a directed graph weighted by rating, with an edge column `time` in CSR
 * order; ids are the file's own integers, mapped densely in increasing order.
 */
import { InputError } from '../../errors.js';
import { parseLineBlocks } from '../../io/line-blocks.js';
import { RowParser } from '../../io/rows.js';
import type { BuildOptions } from '../build.js';
import type { Graph } from '../graph.js';
import { IdMap } from '../idmap.js';
import { buildWithEdgeValues } from './edge-order.js';
import { EdgeSink } from './edge-sink.js';
import { GrowableFloat64 } from './growable.js';

export interface LoadSignedOptions extends Omit<BuildOptions, 'onProgress'> {
  /** Inclusive range a rating must lie in. Default [-10, 10] (Bitcoin OTC / Alpha; 0 is accepted). */
  ratingRange?: readonly [number, number];
  /** Called as the file is read with (bytes read, file size); compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const NETWORK_COLUMNS = [
  { name: 'source id', kind: 'id' },
  { name: 'target id', kind: 'id' },
  { name: 'rating', kind: 'number' },
  { name: 'time', kind: 'number' },
] as const;

class SignedParser extends RowParser {
  readonly sink = new EdgeSink(true);
  readonly times = new GrowableFloat64();

  constructor(
    file: string,
    private readonly low: number,
    private readonly high: number,
  ) {
    super(file, { columns: NETWORK_COLUMNS, required: 3 });
  }

  protected onRow(row: Float64Array, line: number): void {
    const rating = row[2];
    if (rating < this.low || rating > this.high) {
      throw new InputError(this.file, line, `rating ${rating} is outside the expected range [${this.low}, ${this.high}] (option ratingRange)`);
    }
    this.sink.push(row[0], row[1], rating);
    if (this.columns === 4) this.times.push(row[3]);
  }

  get hasTime(): boolean {
    return this.columns === 4;
  }
}

/**
 * Load a signed rating network as a directed graph: weights are the ratings,
 * edge column `time` (f64, CSR order) when the file has a time column.
 */
export async function loadSignedNetwork(path: string, options: LoadSignedOptions = {}): Promise<Graph> {
  const [low, high] = options.ratingRange ?? [-10, 10];
  const parser = new SignedParser(path, low, high);
  await parseLineBlocks(path, parser, { onProgress: options.onProgress });
  const list = parser.sink.list;
  if (list.length === 0) {
    throw new InputError(path, null, `no edges found in ${parser.line} lines (expected lines "source,target,rating,time")`);
  }
  const build = {
    undirected: options.undirected,
    selfLoops: options.selfLoops,
    duplicates: options.duplicates,
    sortIds: options.sortIds,
  };
  return buildWithEdgeValues(list, build, parser.hasTime ? { time: parser.times.data } : {});
}

/** Vertex labels by file id, in file order (repeated identical rows dropped). */
export interface Labels {
  ids: Float64Array;
  labels: Int8Array;
}

const LABEL_COLUMNS = [
  { name: 'node id', kind: 'id' },
  { name: 'label', kind: 'number' },
] as const;

class LabelsParser extends RowParser {
  readonly seen = new IdMap();
  readonly ids = new GrowableFloat64();
  readonly labels = new GrowableFloat64();
  private readonly lines = new GrowableFloat64();

  constructor(file: string) {
    super(file, { columns: LABEL_COLUMNS });
  }

  protected onRow(row: Float64Array, line: number): void {
    const id = row[0];
    const label = row[1];
    if (!Number.isInteger(label) || label < -128 || label > 127) {
      throw new InputError(this.file, line, `expected an integer label in -128..127 (such as +1 or -1), found ${label}`);
    }
    const before = this.seen.size;
    const k = this.seen.intern(id);
    if (k < before) {
      const previous = this.labels.data[k];
      if (previous !== label) {
        throw new InputError(this.file, line, `node ${id} is labelled ${label} here but ${previous} on line ${this.lines.data[k]}`);
      }
      return;
    }
    this.ids.push(id);
    this.labels.push(label);
    this.lines.push(line);
  }
}

/** Load a `node_id,label` file (header line allowed); labels are small integers such as +1 / -1. */
export async function loadLabels(path: string): Promise<Labels> {
  const parser = new LabelsParser(path);
  await parseLineBlocks(path, parser);
  const n = parser.ids.length;
  if (n === 0) throw new InputError(path, null, `no labels found in ${parser.line} lines (expected lines "node_id,label")`);
  const labels = new Int8Array(new SharedArrayBuffer(n));
  for (let i = 0; i < n; i++) labels[i] = parser.labels.data[i];
  return { ids: parser.ids.toShared(), labels };
}
