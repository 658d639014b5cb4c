import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { readBulkList } from './recipients.js';

const fields = (text: string): string[][] => parseCsv(text).map((r) => [...r.fields]);

describe('parseCsv (RFC 4180)', () => {
  it('reads CRLF records, quoted commas, doubled quotes and line breaks inside quotes', () => {
    const text = 'email,name,note\r\na@example.com,"Doe, Jane","said ""hi"""\r\nb@example.com,Bob,"two\r\nlines"\r\n';
    expect(fields(text)).toEqual([
      ['email', 'name', 'note'],
      ['a@example.com', 'Doe, Jane', 'said "hi"'],
      ['b@example.com', 'Bob', 'two\r\nlines'],
    ]);
  });

  it('accepts LF line ends, a missing final line break, a byte order mark and empty fields', () => {
    expect(fields('\uFEFFemail,x\na@example.com,\nb@example.com,""')).toEqual([
      ['email', 'x'],
      ['a@example.com', ''],
      ['b@example.com', ''],
    ]);
  });

  it('gives each record the line it starts on, counting line breaks inside quotes', () => {
    const records = parseCsv('email,note\na@example.com,"x\ny"\nb@example.com,z\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('ignores empty lines at the very end only', () => {
    expect(fields('email\na@example.com\n\n\n')).toEqual([['email'], ['a@example.com']]);
    expect(() => parseCsv('email,name\na@example.com,A\n\nb@example.com,B\n')).toThrow(/line 3: 1 field\(s\) where the header has 2 \(an empty line\)/);
  });

  it.each([
    ['a quote inside an unquoted field', 'email,name\na@example.com,Jo"e\n', /line 2: a double quote inside an unquoted field/],
    ['text after a closing quote', 'email,name\na@example.com,"Joe"x\n', /line 2: text after a closing double quote/],
    ['an unterminated quote', 'email,name\na@example.com,"Joe\n', /line 2: a quoted field is never closed/],
    ['a bare CR', 'email,name\ra@example.com,Joe\n', /line 1: a carriage return without a line feed/],
    ['a short record', 'email,name\na@example.com\n', /line 2: 1 field\(s\) where the header has 2/],
    ['a long record', 'email,name\na@example.com,Joe,extra\n', /line 2: 3 field\(s\) where the header has 2/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseCsv(text)).toThrow(message);
    try {
      parseCsv(text);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('ERR_CSV_MALFORMED');
    }
  });
});

describe('readBulkList', () => {
  it('finds the email or address column in any case and keeps every column for the template', () => {
    const list = readBulkList('Name,EMAIL\r\nJane,jane@Example.COM\r\n');
    expect(list.columns).toEqual(['Name', 'EMAIL']);
    expect(list.recipients).toEqual([{ line: 2, address: 'jane@example.com', fields: { Name: 'Jane', EMAIL: 'jane@Example.COM' } }]);
    expect(readBulkList('address\nx@example.com\n').recipients[0]!.address).toBe('x@example.com');
  });

  it.each([
    ['no address column', 'name\nJane\n', /no email or address column/],
    ['an empty file', '', /the file is empty/],
    ['no rows', 'email\n', /no recipients/],
    ['a column twice', 'email,name,name\na@example.com,x,y\n', /the column "name" appears twice/],
    ['a value that is no address', 'email\nJane Doe\n', /line 2: "Jane Doe" is not an address/],
    ['two addresses in one field', 'email\n"a@example.com,b@example.com"\n', /line 2: .* is not an address/],
    ['the same address twice', 'email\na@example.com\nb@example.com\na@EXAMPLE.com\n', /line 4: a@example.com is already on line 2/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => readBulkList(text)).toThrow(message);
  });
});
