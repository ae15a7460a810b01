/**
 * What `gasworks run --cluster ... --load distributed` hands the coordinator:
 * the graph as the workers will read it, each its own range (core/cluster/
 * range-load.ts). A directed `.gwg` file: its header and offsets read here
 * (O(vertices)), never its edges. A text edge list: scanned by the workers
 * (its largest id, its edges, whether it is weighted), ids as vertex ids
 * (`--ids identity`). Anything else is refused, saying why.
 */
import { UsageError } from '../../core/errors.js';
import { canStream, type EdgeSource } from '../../core/cluster/ingress.js';
import type { DistributedLoad } from '../../core/cluster/range-load.js';
import type { ClusterSecurity } from '../../core/cluster/security.js';
import type { VertexProgram } from '../../core/program.js';
import { streamableSource, type GraphSourceOptions } from './graph-source.js';

export async function distributedInput(spec: string, options: GraphSourceOptions, program: VertexProgram, cluster: { workers: readonly string[]; security: ClusterSecurity }): Promise<{ source: EdgeSource; load: DistributedLoad }> {
  if (!canStream(program)) throw new UsageError(`run: --load distributed needs a program that reads only the whole graph's view (graphAccess 'view', dataAccess 'gas', no edge data); ${program.name} does not: load the graph here instead`);
  if (options.undirected || options.selfLoops === 'drop' || options.duplicates === 'drop') throw new UsageError('run: --load distributed reads the file as it is; --undirected, --drop-self-loops and --drop-duplicates need the whole graph (gasworks convert applies them once)');
  const format = options.format ?? 'auto';
  if (spec.endsWith('.gwg') && format === 'auto') {
    const source = streamableSource(spec, options);
    if (source === null) throw new UsageError(`run: --load distributed reads a directed .gwg graph file; ${spec} is undirected (or missing here: the coordinator reads its header)`);
    return { source, load: { path: spec, format: 'gwg' } };
  }
  if (spec.endsWith('.gz') || spec.endsWith('.gwg') || spec.endsWith('.bin') || !['auto', 'snap', 'weighted'].includes(format)) {
    throw new UsageError(`run: --load distributed reads a directed .gwg file or a plain (not gzipped) text edge list; got --graph ${spec}${format !== 'auto' ? ` --format ${format}` : ''}`);
  }
  if (options.ids === 'dense') throw new UsageError("run: --load distributed reads a text edge list's ids as vertex ids (--ids identity: the vertex count is the largest id + 1); numbering them densely needs every id in the file first");
  const { textEdgeListOnWorkers } = await import('../../core/cluster/range-load.js');
  return textEdgeListOnWorkers(spec, { workers: cluster.workers, security: cluster.security, weighted: format === 'weighted' });
}
