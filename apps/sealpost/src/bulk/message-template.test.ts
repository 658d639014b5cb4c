import { decodeBody, decodeHeaderWords, getHeader, parseMime } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { emlTemplate, flagTemplate } from './message-template.js';
import { checkPlaceholders, escapeHtml, placeholderNames, renderPlaceholders } from './placeholders.js';
import type { BulkRecipient } from './recipients.js';

const row = (fields: Record<string, string>, line = 2): BulkRecipient => ({ line, address: fields['email']!, fields });
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const COLUMNS = ['email', 'name', 'amount'];

describe('placeholders', () => {
  it('finds names, with spaces trimmed, once each', () => {
    expect(placeholderNames('Hi {{name}}, {{ amount }} for {{name}}')).toEqual(['name', 'amount']);
  });

  it('renders values, escaped when asked', () => {
    expect(renderPlaceholders('Hi {{ name }}!', { name: 'Zoë' })).toBe('Hi Zoë!');
    expect(renderPlaceholders('<p>{{name}}</p>', { name: '<b>&"\'' }, escapeHtml)).toBe('<p>&#60;b&#62;&#38;&#34;&#39;</p>');
  });

  it('refuses a placeholder naming no column, an empty one, and a stray {{', () => {
    expect(() => checkPlaceholders('Hi {{nmae}}', COLUMNS, '--text')).toThrow(/--text: \{\{nmae\}\} names no column of the CSV \(columns: email, name, amount\)/);
    expect(() => checkPlaceholders('Hi {{}}', COLUMNS, '--text')).toThrow(/an empty placeholder/);
    expect(() => checkPlaceholders('Hi {{name}', COLUMNS, '--text')).toThrow(/a "\{\{" that is not a complete/);
    expect(() => checkPlaceholders('Hi {{name}} and {{amount}}', COLUMNS, '--text')).not.toThrow();
  });
});

describe('flagTemplate', () => {
  const template = flagTemplate({
    from: 'Alice <alice@example.com>',
    subject: 'Invoice for {{name}}',
    text: 'Dear {{name}},\nyou owe {{amount}}.',
    html: '<p>Dear {{name}}</p>',
    attachments: [],
    columns: COLUMNS,
  });

  it('makes one message to the row address, text and HTML rendered, HTML escaped', () => {
    const root = parseMime(template.render(row({ email: 'bob@example.com', name: 'Bob <the builder>', amount: '12 €' })));
    expect(getHeader(root, 'to')).toBe('bob@example.com');
    expect(decodeHeaderWords(getHeader(root, 'subject')!)).toBe('Invoice for Bob <the builder>');
    expect(root.contentType.subtype).toBe('alternative');
    expect(text(decodeBody(root.children[0]!))).toBe('Dear Bob <the builder>,\r\nyou owe 12 €.\r\n');
    expect(text(decodeBody(root.children[1]!))).toBe('<p>Dear Bob &#60;the builder&#62;</p>\r\n');
  });

  it('refuses, for that row only, a subject value with a line break', () => {
    expect(() => template.render(row({ email: 'bob@example.com', name: 'x\r\nBcc: eve@example.com', amount: '1' }, 7))).toThrow(/line 7: a value for the Subject field holds a line break/);
  });

  it('refuses placeholders in --from', () => {
    expect(() => flagTemplate({ from: '{{name}} <a@example.com>', subject: '', text: 'x', attachments: [], columns: COLUMNS })).toThrow(/--from takes no placeholders/);
  });
});

const EML = [
  'From: Alice <alice@example.com>',
  'To: {{name}} <{{email}}>',
  'Subject: Hello {{name}}',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hi {{name}}, you owe {{amount}}.',
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Hi {{name}}</p>',
  '--b1--',
  '',
].join('\n');

describe('emlTemplate', () => {
  const template = emlTemplate(new TextEncoder().encode(EML), COLUMNS, 'letter.eml');

  it('renders header fields and text parts; the rest stays byte for byte', () => {
    const bytes = template.render(row({ email: 'bob@example.com', name: 'Björn', amount: '5 <EUR>' }));
    const out = text(bytes);
    expect(out).not.toMatch(/[^\r]\n/);
    const root = parseMime(bytes);
    expect(getHeader(root, 'from')).toBe('Alice <alice@example.com>');
    expect(getHeader(root, 'to')).toBe('=?utf-8?B?QmrDtnJu?= <bob@example.com>');
    expect(decodeHeaderWords(getHeader(root, 'subject')!)).toBe('Hello Björn');
    expect(text(decodeBody(root.children[0]!))).toBe('Hi Björn, you owe 5 <EUR>.');
    expect(text(decodeBody(root.children[1]!))).toBe('<p>Hi Björn</p>');
    expect(out).toContain('\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n');
  });

  it('adds To when the template has none', () => {
    const plain = emlTemplate(new TextEncoder().encode('From: a@example.com\r\nSubject: x\r\n\r\nHi {{name}}\r\n'), COLUMNS, 't.eml');
    const root = parseMime(plain.render(row({ email: 'bob@example.com', name: 'Bob', amount: '' })));
    expect(root.headers.map((h) => h.name)).toEqual(['From', 'To', 'Subject']);
    expect(getHeader(root, 'to')).toBe('bob@example.com');
  });

  it('reads a display name holding commas and quotes', () => {
    const bytes = template.render(row({ email: 'bob@example.com', name: 'Doe, "Bob"', amount: '1' }));
    expect(getHeader(parseMime(bytes), 'to')).toBe('"Doe, \\"Bob\\"" <bob@example.com>');
  });

  it('refuses a To field that names anyone but the row address', () => {
    const other = emlTemplate(new TextEncoder().encode('From: a@example.com\r\nTo: boss@example.com\r\n\r\nx\r\n'), COLUMNS, 't.eml');
    expect(() => other.render(row({ email: 'bob@example.com', name: '', amount: '' }, 5))).toThrow(/line 5: the To field must name bob@example.com alone/);
  });

  it.each([
    ['a Cc field', 'From: a@example.com\r\nCc: x@example.com\r\n\r\nx\r\n', /has no Cc field/],
    ['no From field', 'To: {{email}}\r\n\r\nx\r\n', /has no From field/],
    ['an unknown column', 'From: a@example.com\r\nSubject: {{nope}}\r\n\r\nx\r\n', /\{\{nope\}\} names no column/],
    [
      'a placeholder inside a base64 part',
      'From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n{{name}}\r\n--b--\r\n',
      /placeholders work only in the top-level header fields and in text parts/,
    ],
  ])('refuses a template with %s', (_name, eml, message) => {
    expect(() => emlTemplate(new TextEncoder().encode(eml), COLUMNS, 't.eml')).toThrow(message);
  });

  it('refuses a non-ASCII value in a part that does not declare UTF-8', () => {
    const ascii = emlTemplate(new TextEncoder().encode('From: a@example.com\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHi {{name}}\r\n'), COLUMNS, 't.eml');
    expect(() => ascii.render(row({ email: 'b@example.com', name: 'Zoë', amount: '' }))).toThrow(/does not declare charset=utf-8/);
    expect(text(ascii.render(row({ email: 'b@example.com', name: 'Zoe', amount: '' })))).toContain('Hi Zoe\r\n');
  });
});
