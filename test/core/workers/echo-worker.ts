/** A worker module for the spawn test: doubles a shared array in place, then replies. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildGraph } from '../../../core/graph/build.js';
import { EdgeList } from '../../../core/graph/edge-list.js';

const shared = workerData.array as Float64Array;
for (let i = 0; i < shared.length; i++) shared[i] *= 2;
// Prove that project modules load inside the worker.
const list = new EdgeList({ mapIds: false });
list.add(0, 1);
list.add(1, 2);
const g = buildGraph(list);
parentPort!.postMessage({ edges: g.numEdges, vertices: g.numVertices });
