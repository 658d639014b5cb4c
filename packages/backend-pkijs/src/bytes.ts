/** WebCrypto wants ArrayBuffer-backed views; the byte helpers themselves come from core. */

export type Bytes = Uint8Array<ArrayBuffer>;

export function copyOf(bytes: Uint8Array): Bytes {
  return new Uint8Array(bytes);
}
