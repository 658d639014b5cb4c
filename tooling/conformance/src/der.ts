/** A small DER writer for crafting CMS structures that no well-behaved signer would produce. */

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concat(...contents);
  return concat(Uint8Array.from([tag, ...lengthBytes(body.length)]), body);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, ...items);
export const octets = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);
export const nul = (): Uint8Array => Uint8Array.from([0x05, 0x00]);
export const explicit = (n: number, ...items: Uint8Array[]): Uint8Array => tlv(0xa0 + n, ...items);
/** [n] IMPLICIT of a constructed type. */
export const implicitConstructed = (n: number, ...items: Uint8Array[]): Uint8Array => tlv(0xa0 + n, ...items);

export function int(value: number | bigint): Uint8Array {
  let hex = BigInt(value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes: Uint8Array = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  if (bytes[0]! & 0x80) bytes = concat(Uint8Array.of(0), bytes);
  return tlv(0x02, bytes);
}

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => BigInt(a));
  const out: number[] = [];
  const encodeArc = (v: bigint): void => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  encodeArc(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) encodeArc(a);
  return tlv(0x06, Uint8Array.from(out));
}

export function utcTime(d: Date): Uint8Array {
  const p = (n: number): string => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, new TextEncoder().encode(s));
}
