/**
 * How a vertex program reaches a worker, which never imports a module from a
 * URL it was sent:
 *
 * - A **bundled** program (one of gasworks' own: vertex-programs/, the
 *   recommender's, fraud's and SGD's) travels by name: its path inside the
 *   gasworks package, which the worker resolves in its own installation,
 *   among those folders only.
 * - A **user's own** program travels by content: the coordinator bundles the
 *   module and the local modules it imports into one ES module (esbuild;
 *   imports of `gasworks` itself stay imports, of the worker's own copy),
 *   and sends its source with its SHA-256. The worker checks the hash, keeps
 *   the module in a cache keyed by it (written atomically; a later run of
 *   the same program finds it there) and imports it from there. Only an
 *   authenticated coordinator may ship code: a worker without a token runs
 *   bundled programs only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';

/** What Setup carries of the program's module: a bundled module's path, or a user module's source. */
export type ProgramShipment = { module: string; source?: undefined; sha256?: undefined } | { module?: undefined; source: Uint8Array; sha256: string };

/** A bundled program module's path in the package (with or without dist/, as compiled or as source). */
const BUNDLED = /^(?:dist\/)?(?:vertex-programs\/[a-z0-9-]+|apps\/(?:recommender|fraud|sgd)\/[a-z0-9-]+)\.(?:js|ts)$/;

/** The gasworks package's root: the nearest folder above this module with gasworks' package.json. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'gasworks') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('gasworks cluster: the gasworks package.json was not found above core/cluster');
    dir = up;
  }
})();

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Bundles made in this process, by module path and modification time. */
const bundles = new Map<string, { mtimeMs: number; shipment: ProgramShipment }>();

/** What the coordinator sends of the program defined in the module at `url`; `who` names the caller. */
export async function shipmentOf(who: string, url: string): Promise<ProgramShipment> {
  if (!url.startsWith('file:')) throw new UsageError(`${who}: a cluster ships programs from their module files; this program's url is ${url.slice(0, 80)} (define it in a module with url: import.meta.url)`);
  const path = fileURLToPath(url);
  const inPackage = relative(packageRoot, path).split(sep).join('/');
  if (BUNDLED.test(inPackage)) return { module: inPackage };
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    throw new UsageError(`${who}: the program's module ${path} does not exist`);
  }
  const made = bundles.get(path);
  if (made !== undefined && made.mtimeMs === mtimeMs) return made.shipment;
  const esbuild = await import('esbuild');
  let output: Uint8Array;
  try {
    const result = await esbuild.build({
      entryPoints: [path],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      external: ['gasworks', 'gasworks/*'],
      // Node imports file: URLs as paths; so does the bundle.
      plugins: [{ name: 'file-urls', setup: (b) => b.onResolve({ filter: /^file:/ }, (args) => ({ path: fileURLToPath(args.path) })) }],
      // Packages bundled from CommonJS call require(): give the ES module one.
      banner: { js: "import { createRequire as __gasworksRequire } from 'node:module'; const require = __gasworksRequire(import.meta.url);" },
    });
    output = result.outputFiles[0].contents;
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location?: { file: string; line: number } | null }> }).errors;
    const first = errors?.[0];
    throw new UsageError(`${who}: cannot bundle the program's module ${path} to ship it to the workers: ${first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : (error as Error).message}`);
  }
  const shipment: ProgramShipment = { source: output, sha256: sha256(output) };
  bundles.set(path, { mtimeMs, shipment });
  return shipment;
}

/** The default cache of shipped programs: $XDG_CACHE_HOME/gasworks/programs, or ~/.cache/gasworks/programs. */
export function defaultProgramCache(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gasworks', 'programs');
}

/** A worker's cache of shipped program modules, and its resolution of bundled ones. */
export class ProgramCache {
  private linked = false;

  constructor(readonly dir: string) {}

  /**
   * The file: URL to import the shipped program from. `mayShipCode`: the coordinator is
   * authenticated (else only bundled modules are taken). Throws a UsageError saying what is wrong.
   */
  urlOf(shipment: ProgramShipment, mayShipCode: boolean): string {
    if (shipment.module !== undefined && shipment.module !== '') {
      if (!BUNDLED.test(shipment.module)) throw new UsageError(`no bundled program module ${JSON.stringify(shipment.module.slice(0, 120))} (bundled programs live in vertex-programs/ and apps/*/)`);
      const path = join(packageRoot, shipment.module);
      if (!existsSync(path)) throw new UsageError(`the bundled program module ${shipment.module} is not in this worker's gasworks (${packageRoot}): run the same gasworks version on every machine`);
      return pathToFileURL(path).href;
    }
    const source = shipment.source;
    if (source === undefined || source.byteLength === 0) throw new UsageError('Setup names no program module and ships no source');
    if (!mayShipCode) throw new UsageError('this worker has no cluster token, so it runs bundled programs only; to run your own, give the workers and the coordinator a token (--token-file)');
    if (!/^[0-9a-f]{64}$/.test(shipment.sha256 ?? '') || sha256(source) !== shipment.sha256) throw new UsageError('the shipped program does not match its SHA-256');
    this.prepare();
    const path = join(this.dir, `${shipment.sha256}.mjs`);
    // A module already cached is taken only if it still hashes to its name.
    if (!existsSync(path) || sha256(readFileSync(path)) !== shipment.sha256) {
      // A fresh name, created exclusively and never through a link, then moved into place.
      const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
      const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        writeSync(fd, source);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
    }
    return pathToFileURL(path).href;
  }

  /**
   * The cache folder, and its node_modules/gasworks link to this worker's gasworks (what `import
   * 'gasworks'` in a shipped module finds). The folder must be this user's and writable by no one
   * else: a module is hashed, then imported, and nobody may swap it in between.
   */
  private prepare(): void {
    const modules = join(this.dir, 'node_modules');
    mkdirSync(modules, { recursive: true, mode: 0o700 });
    for (const dir of [this.dir, modules]) {
      const stat = lstatSync(dir);
      const uid = process.getuid?.();
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) {
        throw new UsageError(`the program cache ${dir} must be a folder of this worker's user that no one else may write to (chmod go-w, or give another --program-cache)`);
      }
    }
    const link = join(modules, 'gasworks');
    let current: string | null = null;
    try {
      current = readlinkSync(link);
    } catch {
      current = null;
    }
    if (current !== packageRoot || !this.linked) {
      const temporary = `${link}.${process.pid}.tmp`;
      rmSync(temporary, { force: true });
      symlinkSync(packageRoot, temporary, 'dir');
      renameSync(temporary, link);
    }
    this.linked = true;
  }
}
