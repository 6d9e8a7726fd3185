// BIDS tab-separated tables: a header row, then one row per line; 'n/a' marks missing values.

import { FormatError } from '../../errors.js';

export interface Table {
  columns: string[];
  /** One record per row; missing values ('n/a' or empty) are null. */
  rows: Record<string, string | null>[];
}

export function parseTsv(text: string, source = '<tsv>'): Table {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new FormatError(`${source}: empty TSV file (a header row is required)`);
  const columns = lines[0]!.split('\t').map((c) => c.trim());
  if (columns.some((c) => c === '')) throw new FormatError(`${source}: empty column name in header ${JSON.stringify(lines[0])}`);
  const dup = columns.find((c, k) => columns.indexOf(c) !== k);
  // a repeated name would make one column silently overwrite the other in every row
  if (dup !== undefined) throw new FormatError(`${source}: column '${dup}' appears twice in header ${JSON.stringify(lines[0])}`);
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    if (cells.length !== columns.length) {
      throw new FormatError(`${source}: row ${i + 2} has ${cells.length} fields, the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((c, k) => {
      const v = cells[k]!.trim();
      return [c, v === 'n/a' || v === '' ? null : v];
    }));
  });
  return { columns, rows };
}
