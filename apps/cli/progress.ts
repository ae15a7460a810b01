/**
 * Progress bars for the command line, on stderr. A bar appears only when
 * stderr is a terminal, `--quiet` is off, and the work is still running a
 * second after it started, so quick jobs and piped output stay clean. Every
 * long job in the CLI reports through `startProgress`.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Report `done` of `total` units (total may change, e.g. bytes of a growing estimate). */
  update(done: number, total?: number): void;
  /** Replace the label shown before the bar. */
  label(text: string): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** Units shown after the counts, e.g. 'MiB' or 'edges'. */
  unit?: string;
  /** Milliseconds before the bar appears. Default 1000. */
  delayMs?: number;
  /** Stream to draw on (default process.stderr). */
  stream?: NodeJS.WriteStream;
}

const SILENT: Progress = { update() {}, label() {}, stop() {} };

export function progressEnabled(options: { quiet?: boolean } = {}, stream: NodeJS.WriteStream = process.stderr): boolean {
  return !options.quiet && Boolean(stream.isTTY) && !process.env.CI;
}

/** A progress bar for one job, shown after `delayMs` if the job is still running. */
export function startProgress(title: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!progressEnabled(options, stream)) return SILENT;
  const started = Date.now();
  const delay = options.delayMs ?? 1000;
  let bar: cliProgress.SingleBar | null = null;
  let currentTotal = Math.max(1, total);
  let currentTitle = title;
  let stopped = false;
  const unit = options.unit ? ` ${options.unit}` : '';
  return {
    update(done: number, newTotal?: number) {
      if (stopped) return;
      if (newTotal !== undefined) currentTotal = Math.max(1, newTotal);
      if (!bar) {
        if (Date.now() - started < delay) return;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `{title} [{bar}] {percentage}% | {value}/{total}${unit} | {duration_formatted}`,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(currentTotal, 0, { title: currentTitle });
      }
      bar.setTotal(currentTotal);
      bar.update(Math.min(Math.round(done), currentTotal), { title: currentTitle });
    },
    label(text: string) {
      currentTitle = text;
      bar?.update({ title: text });
    },
    stop() {
      stopped = true;
      bar?.stop();
      bar = null;
    },
  };
}
