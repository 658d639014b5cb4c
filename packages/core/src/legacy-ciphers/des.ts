/**
 * DES (FIPS 46-3) and TDEA / 3DES-EDE (NIST SP 800-67), enough to read old messages and key files:
 * block decryption, plus the one encryption TDEA decryption needs in its middle stage. Built at load
 * time from the standard's own tables (IP, E, P, PC-1, PC-2, the S-boxes), so there is no hand-made
 * derived table to get wrong. Table lookups depend on the data, as in every software DES; these
 * ciphers are only read, never chosen for anything new.
 */

const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45,
  37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13,
  5, 28, 20, 12, 4,
];
const PC2 = [14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// S1..S8, each four rows of sixteen, as FIPS 46-3 prints them.
const S = [
  '14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13',
  '15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9',
  '10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12',
  '7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14',
  '2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3',
  '12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13',
  '4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12',
  '13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11',
].map((box) => box.split(' ').map(Number));

/** For a 64-bit permutation: per input octet position and value, its bits' places in the output (two words). */
function octetTable(table: readonly number[]): Int32Array {
  const out = new Int32Array(8 * 256 * 2);
  table.forEach((from, to) => {
    const source = from - 1;
    for (let value = 0; value < 256; value++) {
      if ((value & (0x80 >> (source & 7))) === 0) continue;
      out[((source >> 3) * 256 + value) * 2 + (to >> 5)]! |= 1 << (31 - (to & 31));
    }
  });
  return out;
}

const IP_TABLE = octetTable(IP);
// The final permutation is IP's inverse (FIPS 46-3 prints it as IP^-1).
const FP_TABLE = octetTable(IP.map((_, i) => IP.indexOf(i + 1) + 1));

/** S-box i followed by P, for each 6-bit input: the round function is then eight lookups. */
const SP: Int32Array[] = S.map((box, i) => {
  const table = new Int32Array(64);
  for (let v = 0; v < 64; v++) {
    const s = box[(((v >> 4) & 2) | (v & 1)) * 16 + ((v >> 1) & 15)]! << (28 - 4 * i);
    let out = 0;
    P.forEach((from, to) => {
      if ((s >>> (32 - from)) & 1) out |= 1 << (31 - to);
    });
    table[v] = out;
  }
  return table;
});

function permute(table: Int32Array, hi: number, lo: number): [number, number] {
  let outHi = 0;
  let outLo = 0;
  for (let i = 0; i < 8; i++) {
    const octet = i < 4 ? (hi >>> (24 - 8 * i)) & 0xff : (lo >>> (56 - 8 * i)) & 0xff;
    const at = (i * 256 + octet) * 2;
    outHi |= table[at]!;
    outLo |= table[at + 1]!;
  }
  return [outHi, outLo];
}

function bitOf(bytes: Uint8Array | readonly number[], position: number): number {
  return ((bytes[(position - 1) >> 3] ?? 0) >> (7 - ((position - 1) & 7))) & 1;
}

/** The sixteen round keys, each as eight 6-bit groups (FIPS 46-3 key schedule). */
function roundKeys(key: Uint8Array): Uint8Array {
  const cd = PC1.map((position) => bitOf(key, position));
  const out = new Uint8Array(16 * 8);
  for (let round = 0; round < 16; round++) {
    for (let s = 0; s < SHIFTS[round]!; s++) {
      cd.splice(0, 28, ...cd.slice(1, 28), cd[0]!);
      cd.splice(28, 28, ...cd.slice(29, 56), cd[28]!);
    }
    for (let group = 0; group < 8; group++) {
      let value = 0;
      for (let b = 0; b < 6; b++) value = (value << 1) | cd[PC2[group * 6 + b]! - 1]!;
      out[round * 8 + group] = value;
    }
  }
  return out;
}

/** f(R, K): expansion E (six bits around each group of four), key, S-boxes, P. */
function feistel(r: number, keys: Uint8Array, round: number): number {
  let out = 0;
  for (let group = 0; group < 8; group++) {
    // E's group i is the bits 4i .. 4i+5 of R (bit 0 being bit 32): rotate it to the top.
    const shift = (4 * group + 31) & 31;
    const rotated = shift === 0 ? r : (r << shift) | (r >>> (32 - shift));
    out |= SP[group]![((rotated >>> 26) & 63) ^ keys[round * 8 + group]!]!;
  }
  return out;
}

function crypt(keys: Uint8Array, decrypt: boolean, hi: number, lo: number): [number, number] {
  let [l, r] = permute(IP_TABLE, hi, lo);
  for (let i = 0; i < 16; i++) {
    const next = l ^ feistel(r, keys, decrypt ? 15 - i : i);
    l = r;
    r = next;
  }
  return permute(FP_TABLE, r, l);
}

/** Decrypts one 8-octet block in place at `offset`. */
export type BlockDecrypt = (data: Uint8Array, offset: number) => void;

function readWord(data: Uint8Array, at: number): number {
  return (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]! | 0;
}

function writeWord(data: Uint8Array, at: number, word: number): void {
  data[at] = word >>> 24;
  data[at + 1] = (word >>> 16) & 0xff;
  data[at + 2] = (word >>> 8) & 0xff;
  data[at + 3] = word & 0xff;
}

function keyPart(key: Uint8Array, index: number): Uint8Array {
  return key.subarray(index * 8, index * 8 + 8);
}

/** Single DES decryption with an 8-octet key (parity bits ignored, as FIPS 46-3 allows). */
export function desDecryptor(key: Uint8Array): BlockDecrypt {
  if (key.length !== 8) throw new RangeError('a DES key is 8 octets');
  const keys = roundKeys(key);
  return (data, offset) => {
    const [hi, lo] = crypt(keys, true, readWord(data, offset), readWord(data, offset + 4));
    writeWord(data, offset, hi);
    writeWord(data, offset + 4, lo);
  };
}

/**
 * TDEA decryption (SP 800-67: P = D_K1(E_K2(D_K3(C)))) with a 24-octet key K1 || K2 || K3. Two-key
 * TDEA (PKCS#12's pbeWithSHAAnd2-KeyTripleDES-CBC) is K1 || K2 || K1.
 */
export function desEde3Decryptor(key: Uint8Array): BlockDecrypt {
  if (key.length !== 24) throw new RangeError('a TDEA key is 24 octets');
  const [k1, k2, k3] = [0, 1, 2].map((i) => roundKeys(keyPart(key, i))) as [Uint8Array, Uint8Array, Uint8Array];
  return (data, offset) => {
    let block = crypt(k3, true, readWord(data, offset), readWord(data, offset + 4));
    block = crypt(k2, false, ...block);
    block = crypt(k1, true, ...block);
    writeWord(data, offset, block[0]);
    writeWord(data, offset + 4, block[1]);
  };
}
