/**
 * Start a worker thread on one of the project's own modules (or a user's),
 * whether gasworks runs from compiled JavaScript (`dist/`) or from TypeScript
 * sources under tsx. Node 20 cannot start a worker on a `.ts` file, so for
 * those a tiny bootstrap registers tsx inside the worker first, then imports
 * the module.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True for module URLs or paths that need a TypeScript loader. */
export function needsTypeScriptLoader(moduleUrl: string): boolean {
  return /\.(c|m)?ts$/.test(moduleUrl.split('?')[0]);
}

/**
 * A Worker running `moduleUrl` (a `file:` URL). `workerData` reaches the
 * module as `workerData` from `node:worker_threads`.
 */
export function spawnModuleWorker(moduleUrl: string | URL, options: WorkerOptions = {}): Worker {
  const url = typeof moduleUrl === 'string' ? moduleUrl : moduleUrl.href;
  if (!needsTypeScriptLoader(url)) return new Worker(new URL(url), options);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  // The bootstrap is a classic script: dynamic import() works there, top-level await does not.
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((m) => { m.register(); return import(${JSON.stringify(url)}); })` +
    `.catch((e) => { process.nextTick(() => { throw e; }); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The `file:` URL of a module next to `fromUrl`, keeping its extension (.js when compiled, .ts under tsx). */
export function siblingModule(fromUrl: string, baseName: string): string {
  const ext = fromUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${baseName}${ext}`, fromUrl).href;
}

