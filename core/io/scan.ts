/**
 * Byte-level scanning primitives shared by the text loaders: integers and
 * decimals parsed straight from a Buffer with no string made, and the pieces
 * of an error message (the offending token, the line's text). A scan returns
 * its value and leaves the position after it in `scanned.end`, so that no
 * object is allocated per token. Decimals take Clinger's exact fast path
 * (at most 15 significant digits and a power of ten up to 1e22: one correctly
 * rounded multiply or divide) and fall back to Number() on the token's text
 * otherwise, so a value always equals what Number() gives for its text.
 */

export const NEWLINE = 10;
export const RETURN = 13;
export const SPACE = 32;
export const TAB = 9;
export const HASH = 35;
export const PERCENT = 37;
export const COMMA = 44;
export const COLON = 58;
export const MINUS = 45;
export const PLUS = 43;
export const DOT = 46;
export const DIGIT_0 = 48;

/** Largest id a loader accepts: ids are stored in doubles and must be exact. */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Where the last scan stopped. */
export const scanned = { end: 0 };

/** Result of scanUint when no digit is at the position. */
export const NO_DIGITS = -1;
/** Result of scanUint when the integer is above MAX_ID. */
export const TOO_LARGE = -2;

const POW10: Float64Array = (() => {
  const p = new Float64Array(23);
  p[0] = 1;
  for (let i = 1; i < 23; i++) p[i] = p[i - 1] * 10;
  return p;
})();

/** Position of the first byte at or after p that is not a space or tab. */
export function skipBlanks(b: Buffer, p: number): number {
  let c = b[p];
  while (c === SPACE || c === TAB) c = b[++p];
  return p;
}

/** True when b[p] ends the line ('\n', or '\r' followed by '\n'). */
export function atLineEnd(b: Buffer, p: number): boolean {
  const c = b[p];
  return c === NEWLINE || (c === RETURN && b[p + 1] === NEWLINE);
}

/** Position just after the '\n' that ends the line containing p. */
export function nextLine(b: Buffer, p: number): number {
  while (b[p] !== NEWLINE) p++;
  return p + 1;
}

/**
 * A non-negative decimal integer at p (no sign). Returns NO_DIGITS when b[p]
 * is not a digit and TOO_LARGE above MAX_ID; scanned.end is after the digits.
 */
export function scanUint(b: Buffer, p: number): number {
  let d = b[p] - DIGIT_0;
  if (d < 0 || d > 9) {
    scanned.end = p;
    return NO_DIGITS;
  }
  let v = 0;
  do {
    v = v * 10 + d;
    d = b[++p] - DIGIT_0;
  } while (d >= 0 && d <= 9);
  scanned.end = p;
  return v > MAX_ID ? TOO_LARGE : v;
}

/**
 * A decimal number at p: optional sign, digits with an optional fraction, an
 * optional exponent. Returns NaN when there is no number there (scanned.end
 * then is p); Infinity or -Infinity when it overflows (callers reject those).
 */
export function scanNumber(b: Buffer, p: number): number {
  const start = p;
  let c = b[p];
  let negative = false;
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    c = b[++p];
  }
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (c >= DIGIT_0 && c <= DIGIT_0 + 9) {
    if (significant > 0 || c !== DIGIT_0) significant++;
    mantissa = mantissa * 10 + (c - DIGIT_0);
    digits++;
    c = b[++p];
  }
  if (c === DOT) {
    c = b[++p];
    while (c >= DIGIT_0 && c <= DIGIT_0 + 9) {
      if (significant > 0 || c !== DIGIT_0) significant++;
      mantissa = mantissa * 10 + (c - DIGIT_0);
      digits++;
      scale--;
      c = b[++p];
    }
  }
  if (digits === 0) {
    scanned.end = start;
    return NaN;
  }
  if (c === 101 || c === 69) {
    // 'e' or 'E': an exponent needs at least one digit.
    let q = p + 1;
    let e = b[q];
    let expNegative = false;
    if (e === MINUS || e === PLUS) {
      expNegative = e === MINUS;
      e = b[++q];
    }
    if (!(e >= DIGIT_0 && e <= DIGIT_0 + 9)) {
      scanned.end = start;
      return NaN;
    }
    let exponent = 0;
    while (e >= DIGIT_0 && e <= DIGIT_0 + 9) {
      if (exponent < 100000) exponent = exponent * 10 + (e - DIGIT_0);
      e = b[++q];
    }
    scale += expNegative ? -exponent : exponent;
    p = q;
  }
  scanned.end = p;
  if (significant <= 15 && scale >= -22 && scale <= 22) {
    const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
    return negative ? -value : value;
  }
  return Number(b.toString('latin1', start, p));
}

/** The token at p (up to the next blank, separator or line end), for messages. */
export function tokenAt(b: Buffer, p: number, separator = -1): string {
  let q = p;
  let c = b[q];
  while (q < b.length && c !== NEWLINE && c !== RETURN && c !== SPACE && c !== TAB && c !== separator && q - p < 40) c = b[++q];
  if (q === p) return atLineEnd(b, p) || p >= b.length ? 'end of line' : JSON.stringify(String.fromCharCode(b[p]));
  return JSON.stringify(b.toString('latin1', p, q));
}

/** The text of the line starting at p (without its line end), cut at 80 characters. */
export function lineTextAt(b: Buffer, p: number): string {
  let q = p;
  while (q < b.length && b[q] !== NEWLINE && b[q] !== RETURN && q - p < 80) q++;
  return b.toString('latin1', p, q);
}
