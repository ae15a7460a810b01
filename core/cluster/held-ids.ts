/**
 * A machine's vertex ids: the local ids its columns, CSR and flags are
 * indexed by (0..held-1, ascending whole-graph id) and the whole graph's ids
 * the wire, checkpoints and results speak. A machine that holds every vertex
 * (a program that reads the whole graph) has no table: both ids are one.
 *
 * Whole-graph -> local is a dense Int32Array over the whole graph's vertices
 * (-1: not held), 4 bytes a vertex: a hash map over the held vertices (what
 * PowerGraph keeps) costs more per entry than this costs per vertex once a
 * machine holds more than a tenth of them, and every exchange looks ids up.
 * A machine holding fewer than a sixteenth of the vertices (or a Setup that
 * names a huge graph for a handful: the table is sized by the request's
 * word, not its bytes) looks ids up by binary search in the held list.
 */
import { UsageError } from '../errors.js';
import { lowerBound } from '../util/search.js';

export class HeldIds {
  /** Local -> whole-graph id (ascending), or null when they are the same. */
  readonly globalIds: Uint32Array | null;
  private readonly localOf: Int32Array | null;
  /** Few held of many: look ids up in globalIds by binary search instead of a table. */
  private readonly sparse: boolean = false;

  constructor(globalIds: Uint32Array | null, totalVertices: number, who: string) {
    this.globalIds = globalIds;
    if (globalIds === null) {
      this.localOf = null;
      return;
    }
    for (let l = 0; l < globalIds.length; l++) {
      const g = globalIds[l];
      if (g >= totalVertices || (l > 0 && g <= globalIds[l - 1])) throw new UsageError(`${who}: held vertex ids must ascend below ${totalVertices}; got ${g} at ${l}`);
    }
    if (totalVertices > 16 * globalIds.length + 4096) {
      this.localOf = null;
      this.sparse = true;
      return;
    }
    const localOf = new Int32Array(totalVertices).fill(-1);
    for (let l = 0; l < globalIds.length; l++) localOf[globalIds[l]] = l;
    this.localOf = localOf;
  }

  /** The local id of whole-graph vertex g, or -1 when this machine does not hold it. */
  local(g: number): number {
    if (this.sparse) return this.search(g);
    if (this.localOf === null) return g;
    return g < this.localOf.length ? this.localOf[g] : -1;
  }

  private search(g: number): number {
    const ids = this.globalIds!;
    const at = lowerBound(ids, 0, ids.length, g);
    return at < ids.length && ids[at] === g ? at : -1;
  }

  /** The whole-graph ids of local ids `ids`, into `out` (the list itself when they are the same). */
  toGlobal(ids: Uint32Array, out: Uint32Array): Uint32Array {
    const g = this.globalIds;
    if (g === null) return ids;
    const into = out.subarray(0, ids.length);
    for (let i = 0; i < ids.length; i++) into[i] = g[ids[i]];
    return into;
  }

  /**
   * The local ids of whole-graph ids `ids` a peer sent, into `out`; throws (naming `what`) on an id
   * this machine does not hold: a peer's partials and rows are for held vertices only.
   */
  toLocal(ids: Uint32Array, out: Uint32Array, what: string): Uint32Array {
    const table = this.localOf;
    if (table === null && !this.sparse) return ids;
    if (ids.length > out.length) throw new Error(`${what}: ${ids.length} vertices, more than the ${out.length} held here`);
    const into = out.subarray(0, ids.length);
    for (let i = 0; i < ids.length; i++) {
      const l = table === null ? this.search(ids[i]) : ids[i] < table.length ? table[ids[i]] : -1;
      if (l < 0) throw new Error(`${what}: vertex ${ids[i]} is not held on this machine`);
      into[i] = l;
    }
    return into;
  }
}
