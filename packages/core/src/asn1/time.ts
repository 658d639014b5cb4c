import { latin1Decode } from '../bytes.js';
import type { BerNode } from './ber-reader.js';

/**
 * Which times a reader takes. `certificate` is RFC 5280 4.1.2.5: UTCTime `YYMMDDHHMMSSZ`,
 * GeneralizedTime `YYYYMMDDHHMMSSZ`, seconds always present, no fraction. `signingTime` is the
 * signingTime attribute (RFC 5652 11.3), which core only reports: the same forms, and a
 * GeneralizedTime fraction is tolerated (dropped) since some signers write one.
 */
export type TimeProfile = 'certificate' | 'signingTime';

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME_WITH_FRACTION = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/;

/**
 * The instant a primitive UTCTime (tag 23) or GeneralizedTime (tag 24) names, or null for any other
 * element, any other form and any field out of range (a leap second, 60, is taken). UTCTime years
 * 50-99 are 1950-1999 and 00-49 are 2000-2049 (RFC 5280 4.1.2.5.1).
 */
export function timeOf(node: BerNode | undefined, profile: TimeProfile = 'certificate'): Date | null {
  if (node === undefined || node.cls !== 0 || node.constructed || (node.tagNumber !== 23 && node.tagNumber !== 24)) return null;
  const text = latin1Decode(node.contents);
  const utc = node.tagNumber === 23;
  const match = (utc ? UTC_TIME : profile === 'signingTime' ? GENERALIZED_TIME_WITH_FRACTION : GENERALIZED_TIME).exec(text);
  if (match === null) return null;
  const [first, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const year = utc ? (first >= 50 ? 1900 + first : 2000 + first) : first;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  // Not Date.UTC, which reads years 0-99 as 1900-1999: a GeneralizedTime year is meant as written.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}
