/**
 * Write a graph or an edge list as a text edge list (`src<TAB>dst[<TAB>weight]`
 * per line, in the file's own vertex ids), gzip-compressed when the path ends
 * in `.gz`. Lines are formatted into large string batches, not one write per
 * edge, and the file appears only when complete (temp file, then rename).
 */
import { createGzip } from 'node:zlib';
import { openAtomic } from '../io/atomic-write.js';
import type { EdgeList } from './edge-list.js';
import type { Graph } from './graph.js';

export interface WriteEdgeListOptions {
  /** Write weights as a third column when the source has them. Default true. */
  weights?: boolean;
  /** For undirected graphs, write each edge once (source <= target). Default true. */
  onceUndirected?: boolean;
  /** A comment line (without '#') written first. */
  header?: string;
  onProgress?: (done: number, total: number) => void;
}

const BATCH = 1 << 16;

/** Edges in CSR order (graphs) or list order (edge lists), as batches of text. */
function* textBatches(source: Graph | EdgeList, options: WriteEdgeListOptions): Generator<string> {
  if (options.header) yield `# ${options.header.replace(/\n/g, ' ')}\n`;
  let lines: string[] = [];
  const report = options.onProgress;
  if ('outOffsets' in source) {
    const g = source;
    const w = options.weights !== false ? g.weights : null;
    const once = g.undirected && options.onceUndirected !== false;
    const ids = g.fileIds;
    for (let v = 0; v < g.numVertices; v++) {
      const a = ids ? ids[v] : v;
      for (let e = g.outOffsets[v]; e < g.outOffsets[v + 1]; e++) {
        const t = g.outTargets[e];
        if (once && t < v) continue;
        const b = ids ? ids[t] : t;
        lines.push(w ? `${a}\t${b}\t${w[e]}` : `${a}\t${b}`);
        if (lines.length === BATCH) {
          yield lines.join('\n') + '\n';
          lines = [];
          report?.(e, g.numEdges);
        }
      }
    }
  } else {
    const list = source;
    const w = options.weights !== false ? list.weight : null;
    const ids = list.idMap?.ids() ?? null;
    for (let e = 0; e < list.length; e++) {
      const a = ids ? ids[list.src[e]] : list.src[e];
      const b = ids ? ids[list.dst[e]] : list.dst[e];
      lines.push(w ? `${a}\t${b}\t${w[e]}` : `${a}\t${b}`);
      if (lines.length === BATCH) {
        yield lines.join('\n') + '\n';
        lines = [];
        report?.(e, list.length);
      }
    }
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

/** Write `source` to `path` as a text edge list (gzip when `path` ends in .gz). */
export async function writeEdgeList(path: string, source: Graph | EdgeList, options: WriteEdgeListOptions = {}): Promise<void> {
  const file = await openAtomic(path);
  try {
    if (path.endsWith('.gz')) {
      const gzip = createGzip({ level: 6 });
      const done = (async () => {
        for await (const chunk of gzip) await file.write(chunk as Buffer);
      })();
      for (const text of textBatches(source, options)) {
        if (!gzip.write(text)) await new Promise((resolve) => gzip.once('drain', resolve));
      }
      gzip.end();
      await done;
    } else {
      for (const text of textBatches(source, options)) await file.write(text);
    }
  } catch (error) {
    await file.abort();
    throw error;
  }
  await file.commit();
}
