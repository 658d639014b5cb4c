import { describe, expect, it } from 'vitest';
import { parseBer } from './ber-reader.js';
import { time, tlv } from './der-writer.js';
import { timeOf } from './time.js';

const ascii = (text: string) => new TextEncoder().encode(text);
const utcTime = (text: string) => parseBer(tlv(0x17, ascii(text)));
const generalizedTime = (text: string) => parseBer(tlv(0x18, ascii(text)));

describe('timeOf', () => {
  it('reads UTCTime with the RFC 5280 century pivot, and GeneralizedTime, as the DER writer writes them', () => {
    for (const iso of ['1950-01-01T00:00:00.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '1949-12-31T23:59:59.000Z', '9999-12-31T23:59:59.000Z']) {
      expect(timeOf(parseBer(time(new Date(iso))))?.toISOString()).toBe(iso);
    }
    expect(timeOf(utcTime('491231235959Z'))?.toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(timeOf(utcTime('500101000000Z'))?.toISOString()).toBe('1950-01-01T00:00:00.000Z');
    expect(timeOf(generalizedTime('00500101000000Z'))?.getUTCFullYear()).toBe(50);
  });

  it('takes for certificates only the forms RFC 5280 4.1.2.5 allows', () => {
    for (const refused of ['4912312359Z', '491231235959', '491231235959+0100', '491231235959.5Z', '4912312359590Z']) expect(timeOf(utcTime(refused)), refused).toBeNull();
    for (const refused of ['20300102030405.123Z', '203001020304Z', '20300102030405', '20300102030405+0000']) expect(timeOf(generalizedTime(refused)), refused).toBeNull();
  });

  it('tolerates a GeneralizedTime fraction in a signingTime attribute, and nothing else looser', () => {
    expect(timeOf(generalizedTime('20300102030405.123Z'), 'signingTime')?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(timeOf(utcTime('2001020304Z'), 'signingTime')).toBeNull();
    expect(timeOf(generalizedTime('203001020304Z'), 'signingTime')).toBeNull();
  });

  it('refuses fields out of range, other tags, constructed forms and long values', () => {
    for (const refused of ['491331235959Z', '491200235959Z', '491232235959Z', '491231245959Z', '491231236059Z', '491231235961Z']) expect(timeOf(utcTime(refused)), refused).toBeNull();
    expect(timeOf(utcTime('491231235960Z'))?.toISOString()).toBe('2050-01-01T00:00:00.000Z');
    expect(timeOf(parseBer(tlv(0x13, ascii('491231235959Z'))))).toBeNull();
    expect(timeOf(parseBer(tlv(0x37, tlv(0x04, ascii('491231235959Z')))))).toBeNull();
    expect(timeOf(parseBer(tlv(0x17, new Uint8Array(200_000).fill(0x30))))).toBeNull();
    expect(timeOf(undefined)).toBeNull();
  });
});
