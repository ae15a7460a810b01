/**
 * Typed vertex and edge columns declared by a schema. A schema maps a field
 * name to a type: a scalar (`'f64'`, `'f32'`, `'u32'`, `'i32'`, `'u8'`) or a
 * fixed-length vector written `'f64x20'` (one flat array of length count*20,
 * vertex v's vector at [v*20, v*20+20)). Each field becomes one typed array on
 * shared memory, so no per-vertex object exists anywhere, and `Columns<S>`
 * gives a program its own field names and array types, checked by tsc.
 */
import type { NumericArray } from './shared.js';

export type ScalarType = 'f64' | 'f32' | 'u32' | 'i32' | 'u8';
export type FieldType = ScalarType | `${ScalarType}x${number}`;
export type Schema = Record<string, FieldType>;

type ArrayOf<T extends FieldType> = T extends 'f64' | `f64x${number}`
  ? Float64Array
  : T extends 'f32' | `f32x${number}`
    ? Float32Array
    : T extends 'u32' | `u32x${number}`
      ? Uint32Array
      : T extends 'i32' | `i32x${number}`
        ? Int32Array
        : Uint8Array;

/** One typed array per schema field. */
export type Columns<S extends Schema> = { [K in keyof S]: ArrayOf<S[K]> };

export interface FieldLayout {
  name: string;
  scalar: ScalarType;
  /** Values per element: 1 for scalars, k for `f64xk`. */
  width: number;
}

const BYTES: Record<ScalarType, number> = { f64: 8, f32: 4, u32: 4, i32: 4, u8: 1 };

/** Parse `'f64'` or `'f64x20'`; throws naming the field on anything else. */
export function parseFieldType(name: string, type: string): FieldLayout {
  const m = /^(f64|f32|u32|i32|u8)(?:x([1-9][0-9]*))?$/.exec(type);
  if (!m) {
    throw new Error(
      `columns: field "${name}" has type "${type}"; expected one of f64, f32, u32, i32, u8, optionally followed by xN for a vector (e.g. f64x20)`,
    );
  }
  return { name, scalar: m[1] as ScalarType, width: m[2] ? Number(m[2]) : 1 };
}

function allocate(scalar: ScalarType, length: number, shared: boolean): NumericArray {
  const bytes = length * BYTES[scalar];
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  switch (scalar) {
    case 'f64':
      return new Float64Array(buffer);
    case 'f32':
      return new Float32Array(buffer);
    case 'u32':
      return new Uint32Array(buffer);
    case 'i32':
      return new Int32Array(buffer);
    case 'u8':
      return new Uint8Array(buffer);
  }
}

/** Allocate zeroed columns for `count` elements (vertices or edges), on shared memory by default. */
export function allocateColumns<S extends Schema>(schema: S, count: number, shared = true): Columns<S> {
  const out: Record<string, NumericArray> = {};
  for (const [name, type] of Object.entries(schema)) {
    const layout = parseFieldType(name, type);
    out[name] = allocate(layout.scalar, count * layout.width, shared);
  }
  return out as Columns<S>;
}

