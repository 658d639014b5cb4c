import type { MimeMutation } from './mutation.js';

/**
 * MIME-level mutations on the message as latin1 text (one char per byte, so nothing is lost).
 * They act where parsers disagree most: header fields, boundaries, line endings, truncation.
 */
export function mutateMime(text: string, m: MimeMutation): string {
  switch (m.op) {
    case 'drop-header':
    case 'duplicate-header':
    case 'header-case':
    case 'fold-header':
      return editHeaderLine(text, m);
    case 'boundary':
      return editBoundary(text, m.kind);
    case 'line-endings':
      return lineEndings(text, m.kind);
    case 'truncate':
      return text.slice(0, Math.floor((text.length * (m.at % 1000)) / 1000));
    case 'insert-bytes': {
      const at = text.length === 0 ? 0 : m.offset % text.length;
      return text.slice(0, at) + String.fromCharCode(...m.bytes.map((b) => b & 0xff)) + text.slice(at);
    }
    case 'transfer-encoding':
      return text.replace(/(content-transfer-encoding:[ \t]*)base64/i, `$1${m.value}`);
    case 'smime-type':
      return text.replace(/(smime-type=)("?)[A-Za-z-]+\2/i, `$1${m.value}`);
    case 'content-type':
      return text.replace(new RegExp(`(content-type:\\s*)${escapeRegExp(m.from)}`, 'i'), `$1${m.to}`);
  }
}

/** A header field line: a name, a colon, at the start of a line (continuation lines excluded). */
const FIELD_LINE = /^[!-9;-~]+:.*$/gm;

function editHeaderLine(text: string, m: Extract<MimeMutation, { target: number }>): string {
  const lines = [...text.matchAll(FIELD_LINE)].filter((x) => !x[0].startsWith('--'));
  if (lines.length === 0) return text;
  const line = lines[m.target % lines.length]!;
  const start = line.index;
  const end = start + line[0].length;
  const eol = text.startsWith('\r\n', end) ? '\r\n' : '\n';
  const whole = line[0] + eol;
  switch (m.op) {
    case 'drop-header':
      return text.slice(0, start) + text.slice(end + eol.length);
    case 'duplicate-header':
      return text.slice(0, start) + whole + text.slice(start);
    case 'header-case': {
      const colon = line[0].indexOf(':');
      const name = line[0].slice(0, colon);
      return text.slice(0, start) + (m.upper ? name.toUpperCase() : name.toLowerCase()) + text.slice(start + colon);
    }
    case 'fold-header': {
      const space = line[0].indexOf(' ', line[0].indexOf(':') + 2);
      if (space < 0) return text;
      return `${text.slice(0, start + space)}${eol}\t${text.slice(start + space + 1)}`;
    }
  }
}

function editBoundary(text: string, kind: Extract<MimeMutation, { op: 'boundary' }>['kind']): string {
  const param = /boundary=("?)([^";\r\n]+)\1/i.exec(text);
  if (param === null) return text;
  const b = param[2]!;
  const delimiter = `--${b}`;
  switch (kind) {
    case 'mismatch':
      return text.slice(0, param.index) + param[0].replace(b, `${b}x`) + text.slice(param.index + param[0].length);
    case 'unquote':
      return text.slice(0, param.index) + `boundary=${b}` + text.slice(param.index + param[0].length);
    case 'drop-close':
      return text.replace(`${delimiter}--`, '');
    case 'drop-first': {
      const first = text.indexOf(`${delimiter}\r\n`, param.index + param[0].length);
      return first < 0 ? text : text.slice(0, first) + text.slice(first + delimiter.length + 2);
    }
    case 'padding':
      // Transport padding (RFC 2046 5.1.1) after every delimiter: legal, and often mishandled.
      return text.split(`${delimiter}\r\n`).join(`${delimiter} \t\r\n`);
    case 'preamble': {
      // A preamble holding a line that is almost the delimiter: legal, and a test of exact matching.
      const first = text.indexOf(delimiter, param.index + param[0].length);
      return first < 0 ? text : `${text.slice(0, first)}This is a preamble.\r\n${delimiter.slice(0, -1)}\r\n${text.slice(first)}`;
    }
    case 'extra-part': {
      const close = text.lastIndexOf(`${delimiter}--`);
      return close < 0 ? text : `${text.slice(0, close)}${delimiter}\r\nContent-Type: text/plain\r\n\r\nextra\r\n${text.slice(close)}`;
    }
  }
}

function lineEndings(text: string, kind: 'lf' | 'cr' | 'mixed' | 'double-cr'): string {
  if (kind === 'lf') return text.replace(/\r\n/g, '\n');
  if (kind === 'cr') return text.replace(/\r\n/g, '\r');
  if (kind === 'double-cr') return text.replace(/\r\n/g, '\r\r\n');
  // Every other line ending loses its CR.
  let i = 0;
  return text.replace(/\r\n/g, () => (i++ % 2 === 0 ? '\n' : '\r\n'));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
