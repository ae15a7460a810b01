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

export function bytesPerElement(scalar: ScalarType): number {
  return BYTES[scalar];
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

/** The layout of every field of a schema, in declaration order. */
export function schemaLayout(schema: Schema): FieldLayout[] {
  return Object.entries(schema).map(([name, type]) => parseFieldType(name, type));
}

/** Total bytes the columns hold. */
export function columnsBytes(columns: Record<string, NumericArray>): number {
  let total = 0;
  for (const array of Object.values(columns)) total += array.byteLength;
  return total;
}

/** The schema type string that describes an existing typed array of `count` elements. */
export function fieldTypeOf(array: NumericArray, count: number): FieldType {
  let scalar: ScalarType;
  if (array instanceof Float64Array) scalar = 'f64';
  else if (array instanceof Float32Array) scalar = 'f32';
  else if (array instanceof Uint32Array) scalar = 'u32';
  else if (array instanceof Int32Array) scalar = 'i32';
  else if (array instanceof Uint8Array) scalar = 'u8';
  else throw new Error(`columns: unsupported array type ${array.constructor.name}`);
  const width = count === 0 ? 1 : array.length / count;
  if (!Number.isInteger(width) || width < 1) {
    throw new Error(`columns: array of length ${array.length} is not a whole number of values for ${count} elements`);
  }
  return width === 1 ? scalar : (`${scalar}x${width}` as FieldType);
}
