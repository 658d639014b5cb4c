import { CliError } from '../errors.js';

/** `{{name}}`, spaces inside the braces allowed: `{{ first name }}` names the column "first name". */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The column names a template text refers to, in order of first use. */
export function placeholderNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim();
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Checked once before anything is sent: every placeholder names a column of the CSV, and no `{{` is
 * left that is not a placeholder (a typo would otherwise reach every recipient).
 */
export function checkPlaceholders(text: string, columns: readonly string[], where: string): void {
  for (const name of placeholderNames(text)) {
    if (name === '') throw new CliError('ERR_TEMPLATE', `${where}: an empty placeholder {{}}`);
    if (!columns.includes(name)) throw new CliError('ERR_TEMPLATE', `${where}: {{${name}}} names no column of the CSV (columns: ${columns.join(', ')})`);
  }
  if (text.replace(PLACEHOLDER, '').includes('{{')) throw new CliError('ERR_TEMPLATE', `${where}: a "{{" that is not a complete {{column}} placeholder`);
}

export type Escape = (value: string) => string;

/** `text` with each placeholder replaced by its column's value, passed through `escape`. */
export function renderPlaceholders(text: string, fields: Readonly<Record<string, string>>, escape: Escape = (v) => v): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => escape(fields[name.trim()] ?? ''));
}

/** For HTML parts: a value from the CSV is text, never markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
