/**
 * The thread consistency models by name: one module each behind the
 * ThreadModel interface (model.ts). A new model goes beside these.
 */
import type { SgdConsistency } from '../shared-state.js';
import { asyncModel } from './async.js';
import { bspModel } from './bsp.js';
import { easgdModel } from './easgd.js';
import type { ThreadModel } from './model.js';
import { sspModel } from './ssp.js';

export const THREAD_MODELS: Readonly<Record<SgdConsistency, ThreadModel>> = {
  bsp: bspModel,
  ssp: sspModel,
  async: asyncModel,
  easgd: easgdModel,
};
