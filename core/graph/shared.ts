/**
 * Typed arrays backed by SharedArrayBuffer. Every array that worker threads
 * must read without a copy (CSR, CSC, vertex and edge columns) is allocated
 * here; posting such an array to a worker shares its memory.
 */

export type NumericArray =
  | Float64Array
  | Float32Array
  | Uint32Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Int16Array
  | Int8Array;

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** Copy any typed array into a new shared one of the same type. */
export function toShared<T extends NumericArray>(source: T): T {
  const Ctor = source.constructor as { new (buffer: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(source.byteLength));
  (out as unknown as { set(a: ArrayLike<number>): void }).set(source);
  return out;
}

export function isShared(array: NumericArray): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}
