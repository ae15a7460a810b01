/**
 * Item titles for readable recommendations, from the files MovieLens ships
 * them in (gzip or not): 100K's `u.item` (`id|title|date|...`, Latin-1),
 * 1M's `movies.dat` (`id::title::genres`, Latin-1), the later releases'
 * `movies.csv` (`movieId,title,genres`, UTF-8, titles quoted when they hold
 * a comma), or any `id,title` CSV, with or without a header line. The
 * format is told by the first line. A line whose id is not a whole number
 * is an InputError naming the file and line.
 */
import { InputError } from '../../core/errors.js';
import { readChunks } from '../../core/io/read-chunks.js';

export const TITLES_HELP = 'item titles: MovieLens u.item, movies.dat or movies.csv, or an id,title CSV (.gz ok)';

/** Title of each item id. */
export type Titles = Map<number, string>;

/** The text of a file: UTF-8 when it is valid UTF-8, else Latin-1 (MovieLens' older files). */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** The fields of one CSV line: commas split, double quotes group ("" is a quote). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

export async function loadTitles(path: string): Promise<Titles> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of readChunks(path)) parts.push(Buffer.from(chunk));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, null, `cannot read the titles file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const lines = decode(Buffer.concat(parts)).split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const split: (line: string) => string[] = first.includes('::') ? (l) => l.split('::') : first.includes('|') ? (l) => l.split('|') : csvFields;
  const titles: Titles = new Map();
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = split(line);
    const id = Number(fields[0]);
    if (!(fields[0].trim() !== '' && Number.isInteger(id))) {
      // A header line (movieId,title,...) is the first line's privilege.
      if (line === first && !/^\s*\d/.test(fields[0])) return;
      throw new InputError(path, index + 1, `expected an item id (a whole number) in column 1, found ${JSON.stringify(fields[0].slice(0, 40))}`);
    }
    if (fields.length < 2) throw new InputError(path, index + 1, 'expected an id and a title (u.item id|title|..., movies.dat id::title::..., or id,title CSV)');
    titles.set(id, fields[1].trim());
  });
  if (titles.size === 0) throw new InputError(path, null, 'no titles found (expected u.item, movies.dat, movies.csv or id,title lines)');
  return titles;
}
