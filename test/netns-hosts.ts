/**
 * Virtual hosts on one Linux machine, for the cluster's netns test
 * (test/core/cluster/netns.test.ts) and bench (bench/cluster-network.ts).
 * Not a test file itself (the runner only picks up *.test.js).
 *
 * It owns the network: a hub namespace holding a bridge (the "switch", with
 * an IP of its own, where a coordinator can run), one namespace per machine,
 * each with one IP on 10.77.<pid % 200>.0/24 and joined to the bridge by a
 * veth pair; their names, unique to this process; bringing it up and taking
 * it down; shaping every link with tc's tbf; and why this machine cannot do
 * any of it. Beside it, the argv of the gasworks CLI (compiled, or the source
 * under tsx) and a bounded run of a command. Every external command here
 * (ip, tc, the CLI) is bounded in time. Needs root and iproute2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Bound of each `ip` or `tc` call, ms. */
const IP_TIMEOUT_MS = 10_000;

/** Names unique to this process (interface names hold 15 characters at most: "gw" + up to 7 digits + 3). */
const TAG = `gw${process.pid}`;

/** Where a command runs: machine i's namespace, or the hub's. */
export type Host = number | 'hub';

/** Run `tool ARGS` (bounded); throws with its stderr unless `tolerate`. */
function runTool(tool: 'ip' | 'tc', args: string[], tolerate = false): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  const ok = r.status === 0;
  if (!ok && !tolerate) throw new Error(`${tool} ${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`} ${r.stderr ?? ''}`.trim());
  return { ok, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export class VirtualHosts {
  /** tc tbf's parameters besides the rate, as `shape` applies them. */
  static readonly tbfParameters: readonly string[] = ['burst', '256kbit', 'latency', '50ms'];

  /** Why this machine cannot set up virtual hosts (with `tools` from iproute2), or null when it can. */
  static whyNot(tools: ReadonlyArray<'ip' | 'tc'> = ['ip']): string | null {
    if (process.platform !== 'linux') return `not Linux (${process.platform})`;
    if (process.getuid?.() !== 0) return 'not root (network namespaces need it)';
    for (const tool of tools) {
      const version = spawnSync(tool, ['-V'], { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
      if (version.error || version.status !== 0) return `\`${tool}\` not found (iproute2; .ci/run installs it)`;
    }
    const probe = `${TAG}probe`;
    const add = runTool('ip', ['netns', 'add', probe], true);
    runTool('ip', ['netns', 'del', probe], true);
    if (!add.ok) return `\`ip netns add\` failed: ${add.stderr.trim()}`;
    return null;
  }

  /** The hub's namespace, holding the bridge. */
  readonly hub = `${TAG}hub`;
  /** Machine i's namespace. */
  readonly namespaces: readonly string[];
  private readonly subnet = `10.77.${process.pid % 200}`;
  /** The hub's IP, on the bridge. */
  readonly hubIp = `${this.subnet}.254`;

  constructor(readonly machines: number) {
    if (!(Number.isInteger(machines) && machines >= 1 && machines <= 200)) throw new RangeError(`machines: ${machines} (1 to 200)`);
    this.namespaces = Array.from({ length: machines }, (_, i) => `${TAG}m${i}`);
  }

  /** Machine i's IP. */
  ip(i: number): string {
    return `${this.subnet}.${i + 1}`;
  }

  /** The namespace of a host. */
  namespace(host: Host): string {
    return host === 'hub' ? this.hub : this.namespaces[host];
  }

  /** Link i's veth end in the hub (on the bridge), and its end in machine i's namespace. */
  private hubEnd(i: number): string {
    return `${TAG}h${i}`;
  }
  private machineEnd(i: number): string {
    return `${TAG}v${i}`;
  }

  /** The hub with its bridge, and each machine's namespace linked to it by a veth pair (after `down`). Throws on failure. */
  up(): void {
    this.down();
    const ip = (args: string[]): void => void runTool('ip', args);
    ip(['netns', 'add', this.hub]);
    ip(['-n', this.hub, 'link', 'set', 'lo', 'up']);
    ip(['-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', this.hub, 'addr', 'add', `${this.hubIp}/24`, 'dev', 'br0']);
    ip(['-n', this.hub, 'link', 'set', 'br0', 'up']);
    this.namespaces.forEach((ns, i) => {
      ip(['netns', 'add', ns]);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      ip(['link', 'add', this.hubEnd(i), 'type', 'veth', 'peer', 'name', this.machineEnd(i)]);
      ip(['link', 'set', this.hubEnd(i), 'netns', this.hub]);
      ip(['link', 'set', this.machineEnd(i), 'netns', ns]);
      ip(['-n', this.hub, 'link', 'set', this.hubEnd(i), 'master', 'br0']);
      ip(['-n', this.hub, 'link', 'set', this.hubEnd(i), 'up']);
      ip(['-n', ns, 'addr', 'add', `${this.ip(i)}/24`, 'dev', this.machineEnd(i)]);
      ip(['-n', ns, 'link', 'set', this.machineEnd(i), 'up']);
    });
  }

  /** Remove every namespace and link `up` may have made, whatever is there; never throws. */
  down(): void {
    const del = (args: string[]): void => {
      try {
        runTool('ip', args, true);
      } catch {
        // Nothing to do: the next step, or the next `down`, goes on.
      }
    };
    for (let i = 0; i < this.machines; i++) {
      del(['link', 'del', this.hubEnd(i)]);
      del(['link', 'del', this.machineEnd(i)]);
    }
    for (const ns of [...this.namespaces, this.hub]) del(['netns', 'del', ns]);
  }

  /** `command` run in a host's namespace: the full argv, `ip netns exec NS ...command`. */
  exec(host: Host, command: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.namespace(host), ...command];
  }

  /** The namespace process `pid` is in (`ip netns identify`). */
  namespaceOf(pid: number): string {
    return runTool('ip', ['netns', 'identify', String(pid)]).stdout.trim();
  }

  /** Shape both ends of every link with `tc ... root tbf rate RATE` and `tbfParameters` (null: take the shaping off). */
  shape(rate: string | null): void {
    this.namespaces.forEach((ns, i) => {
      for (const [where, dev] of [[ns, this.machineEnd(i)], [this.hub, this.hubEnd(i)]]) {
        runTool('tc', ['-n', where, 'qdisc', 'del', 'dev', dev, 'root'], true);
        if (rate !== null) runTool('tc', ['-n', where, 'qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', rate, ...VirtualHosts.tbfParameters]);
      }
    });
  }
}

// The CLI as test/apps/cli/cli-runner.ts runs it: compiled main.js, or the source under tsx.
const compiledCli = fileURLToPath(new URL('../apps/cli/main.js', import.meta.url));
const sourceCli = fileURLToPath(new URL('../apps/cli/main.ts', import.meta.url));
const cliFromSource = import.meta.url.endsWith('.ts') || !existsSync(compiledCli);

/** The argv that runs `gasworks ARGS` under this node. */
export function gasworksCommand(args: readonly string[]): string[] {
  return [process.execPath, ...(cliFromSource ? ['--import', 'tsx', sourceCli] : [compiledCli]), ...args];
}

/** Run `command` (an argv) to its end, killed after `timeoutMs`; resolves to its exit status and output. */
export function runBounded(command: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (error) => (stderr += `\n(${command[0]}: ${error.message})`));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
