/**
 * RFC 4180 records as the library's CSV export writes them (CRLF between records, fields quoted where needed with
 * doubled quotes inside): the tests' own reader, independent of the writer. A last record without CRLF is kept.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') (f += '"'), i++;
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') row.push(f), (f = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(f), rows.push(row), (row = []), (f = ''), i++;
    else f += c;
  }
  if (f || row.length) row.push(f), rows.push(row);
  return rows;
}
