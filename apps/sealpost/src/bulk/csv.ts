import { CliError } from '../errors.js';

export interface CsvRecord {
  /** Line of the file the record starts on, from 1. */
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * RFC 4180 CSV, strictly: comma-separated fields, records ending in CRLF (a bare LF is accepted too),
 * fields in double quotes may hold commas, quotes (doubled) and line breaks. Anything the RFC does not
 * allow is an error naming the line: a quote inside an unquoted field, text after a closing quote, an
 * unterminated quote, a bare CR, or a record with a different number of fields than the first. A UTF-8
 * byte order mark and one final line break are allowed; so are empty lines at the very end.
 */
export function parseCsv(text: string): CsvRecord[] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = (): void => {
    fields.push(field);
    field = '';
  };
  const endRecord = (): void => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < input.length) {
    const c = input[i]!;
    if (c === '"') {
      if (field !== '') throw csvError(line, 'a double quote inside an unquoted field (quote the whole field and double the quote)');
      const start = line;
      i++;
      for (;;) {
        if (i >= input.length) throw csvError(start, 'a quoted field is never closed');
        const q = input[i]!;
        if (q === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = input[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw csvError(line, 'text after a closing double quote');
      continue;
    }
    if (c === ',') {
      endField();
      i++;
      continue;
    }
    if (c === '\r') {
      if (input[i + 1] !== '\n') throw csvError(line, 'a carriage return without a line feed');
      i++;
      continue;
    }
    if (c === '\n') {
      endRecord();
      i++;
      line++;
      recordLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || fields.length > 0 || endsInsideRecord(input)) endRecord();
  return withoutTrailingBlankRecords(records);
}

/** A file whose last record has no final line break still ends a record (`a,b` then EOF). */
function endsInsideRecord(input: string): boolean {
  return input.length > 0 && !input.endsWith('\n');
}

function withoutTrailingBlankRecords(records: CsvRecord[]): CsvRecord[] {
  let end = records.length;
  while (end > 0 && isBlank(records[end - 1]!)) end--;
  const kept = records.slice(0, end);
  const width = kept[0]?.fields.length ?? 0;
  for (const record of kept) {
    if (record.fields.length !== width) throw csvError(record.line, `${record.fields.length} field(s) where the header has ${width}${isBlank(record) ? ' (an empty line)' : ''}`);
  }
  return kept;
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0] === '';
}

function csvError(line: number, what: string): CliError {
  return new CliError('ERR_CSV_MALFORMED', `line ${line}: ${what}`);
}
