/**
 * Rows of an RFC 4180 CSV text: fields separated by commas, a field in double quotes may hold commas,
 * newlines and doubled quotes (`""`). A UTF-8 BOM is dropped; CRLF and LF both end rows; a trailing
 * empty line is not a row. Each row carries the 1-based line it starts on, for error messages.
 */
export function parseCsv(text: string, file = 'CSV'): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (quoted) throw new Error(`${file}:${rowLine}: a quoted field is not closed (expected a closing ")`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}
