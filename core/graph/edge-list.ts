/**
 * A growable list of edges (source, target, optional weight) in plain typed
 * arrays: what loaders and generators append to before a graph is built. With
 * `mapIds` it interns the file's own ids into dense ids as edges arrive (see
 * IdMap); without it, ids are taken as dense already (generators).
 */
import { IdMap } from './idmap.js';

export interface EdgeListOptions {
  /** Store a weight per edge. Default false. */
  weighted?: boolean;
  /** Map arbitrary integer file ids to dense ids. Default true. */
  mapIds?: boolean;
  /** Expected number of edges (avoids regrowth). */
  expectedEdges?: number;
}

export class EdgeList {
  src: Uint32Array;
  dst: Uint32Array;
  weight: Float64Array | null;
  length = 0;
  readonly idMap: IdMap | null;
  /** Number of dense vertices when ids are not mapped (max id + 1 seen, or as set). */
  private denseVertices = 0;

  constructor(options: EdgeListOptions = {}) {
    const capacity = Math.max(1024, options.expectedEdges ?? 0);
    this.src = new Uint32Array(capacity);
    this.dst = new Uint32Array(capacity);
    this.weight = options.weighted ? new Float64Array(capacity) : null;
    this.idMap = options.mapIds === false ? null : new IdMap(Math.max(1024, capacity >>> 3));
  }

  get weighted(): boolean {
    return this.weight !== null;
  }

  /** Vertices seen so far (mapped ids), or the dense vertex count. */
  get numVertices(): number {
    return this.idMap ? this.idMap.size : this.denseVertices;
  }

  /** Declare the dense vertex count when ids are not mapped (isolated vertices count). */
  setNumVertices(n: number): void {
    if (this.idMap) throw new Error('EdgeList.setNumVertices: only for lists built with mapIds: false');
    this.denseVertices = Math.max(this.denseVertices, n);
  }

  /** Double the capacity (loaders that write the arrays directly call this when full). */
  grow(): void {
    const capacity = this.src.length * 2;
    const src = new Uint32Array(capacity);
    src.set(this.src);
    this.src = src;
    const dst = new Uint32Array(capacity);
    dst.set(this.dst);
    this.dst = dst;
    if (this.weight) {
      const w = new Float64Array(capacity);
      w.set(this.weight);
      this.weight = w;
    }
  }

  /** Add a vertex that may have no edges (file id, or dense id without mapping). */
  addVertex(id: number): number {
    if (this.idMap) return this.idMap.intern(id);
    if (id + 1 > this.denseVertices) this.denseVertices = id + 1;
    return id;
  }

  /** Append an edge given in file ids (or dense ids when not mapping). */
  add(source: number, target: number, weight = 1): void {
    if (this.length === this.src.length) this.grow();
    const i = this.length++;
    if (this.idMap) {
      this.src[i] = this.idMap.intern(source);
      this.dst[i] = this.idMap.intern(target);
    } else {
      this.src[i] = source;
      this.dst[i] = target;
      const hi = source > target ? source : target;
      if (hi >= this.denseVertices) this.denseVertices = hi + 1;
    }
    if (this.weight) this.weight[i] = weight;
  }
}
