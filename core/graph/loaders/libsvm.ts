/**
 * LIBSVM sparse data: one example per line, `label index:value index:value ...`
 * with 1-based, strictly increasing feature indices. Trailing blanks, blank
 * lines, `#` comment lines and examples with no features are accepted. The
 * result is compressed sparse rows on shared memory (0-based feature ids), the
 * layout the model-parallel SGD app reads from every worker without a copy.
 */
import { InputError } from '../../errors.js';
import { parseLineBlocks } from '../../io/line-blocks.js';
import type { LineBlockParser } from '../../io/line-blocks.js';
import {
  COLON,
  HASH,
  NEWLINE,
  RETURN,
  SPACE,
  TAB,
  TOO_LARGE,
  atLineEnd,
  nextLine,
  scanNumber,
  scanUint,
  scanned,
  skipBlanks,
  tokenAt,
} from '../../io/scan.js';
import { sharedUint32 } from '../shared.js';
import { GrowableFloat64, GrowableUint32 } from './growable.js';

export interface SparseDataset {
  numExamples: number;
  numFeatures: number;
  labels: Float64Array;
  /** Example k's features are at [rowOffsets[k], rowOffsets[k + 1]); length numExamples + 1. */
  rowOffsets: Uint32Array;
  /** 0-based feature ids, increasing within each example. */
  indices: Uint32Array;
  values: Float64Array;
}

export interface LoadLibsvmOptions {
  /** Number of features; default the largest index seen. An index above it is an error. */
  numFeatures?: number;
  /** Called as the file is read with (bytes read, file size); compressed bytes for gzip. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const MAX_FEATURES = 0xfffffffe;

function endsToken(c: number): boolean {
  return c === SPACE || c === TAB || c === NEWLINE || c === RETURN;
}

class LibsvmParser implements LineBlockParser {
  line = 0;
  maxIndex = 0;
  readonly labels = new GrowableFloat64();
  readonly offsets = new GrowableUint32();
  readonly indices = new GrowableUint32();
  readonly values = new GrowableFloat64();

  constructor(
    private readonly file: string,
    private readonly limit: number,
  ) {
    this.offsets.push(0);
  }

  private fail(message: string): never {
    throw new InputError(this.file, this.line, message);
  }

  parse(b: Buffer, start: number, end: number): void {
    const indices = this.indices;
    const values = this.values;
    const limit = this.limit;
    let maxIndex = this.maxIndex;
    let p = start;
    while (p < end) {
      this.line++;
      p = skipBlanks(b, p);
      if (atLineEnd(b, p) || b[p] === HASH) {
        p = nextLine(b, p);
        continue;
      }
      const label = scanNumber(b, p);
      if (!Number.isFinite(label) || !endsToken(b[scanned.end])) {
        this.fail(`expected a finite number as the label in column 1, found ${tokenAt(b, p)}`);
      }
      p = skipBlanks(b, scanned.end);
      let previous = 0;
      while (!atLineEnd(b, p)) {
        const index = scanUint(b, p);
        if (index < 0 || b[scanned.end] !== COLON) {
          if (index === TOO_LARGE) this.fail(`feature index ${tokenAt(b, p)} is too large`);
          this.fail(`expected a feature "index:value" with a positive integer index, found ${tokenAt(b, p)}`);
        }
        if (index === 0) this.fail(`expected a 1-based feature index, found 0 in ${tokenAt(b, p)}`);
        if (index <= previous) {
          this.fail(`expected feature indices to increase, found ${index} after ${previous} in ${tokenAt(b, p)}`);
        }
        if (index > limit) this.fail(`feature index ${index} is above numFeatures = ${limit}`);
        const q = scanned.end + 1;
        const value = scanNumber(b, q);
        if (!Number.isFinite(value) || !endsToken(b[scanned.end])) {
          this.fail(`expected a finite number as the value of feature ${index}, found ${tokenAt(b, p)}`);
        }
        indices.push(index - 1);
        values.push(value);
        previous = index;
        p = skipBlanks(b, scanned.end);
      }
      if (previous > maxIndex) maxIndex = previous;
      this.labels.push(label);
      this.offsets.push(indices.length);
      p = b[p] === RETURN ? p + 2 : p + 1;
    }
    this.maxIndex = maxIndex;
  }
}

/** Load a LIBSVM file (gzip or not) as compressed sparse rows. */
export async function loadLibsvm(path: string, options: LoadLibsvmOptions = {}): Promise<SparseDataset> {
  const forced = options.numFeatures;
  if (forced !== undefined && !(Number.isInteger(forced) && forced >= 0 && forced <= MAX_FEATURES)) {
    throw new InputError(path, null, `numFeatures must be an integer in 0..${MAX_FEATURES}, got ${forced}`);
  }
  const parser = new LibsvmParser(path, forced ?? MAX_FEATURES);
  await parseLineBlocks(path, parser, { onProgress: options.onProgress });
  const numExamples = parser.labels.length;
  if (numExamples === 0) {
    throw new InputError(path, null, `no examples found in ${parser.line} lines (expected lines "label index:value ...")`);
  }
  const rowOffsets = sharedUint32(numExamples + 1);
  rowOffsets.set(parser.offsets.data.subarray(0, numExamples + 1));
  return {
    numExamples,
    numFeatures: forced ?? parser.maxIndex,
    labels: parser.labels.toShared(),
    rowOffsets,
    indices: parser.indices.toShared(),
    values: parser.values.toShared(),
  };
}
