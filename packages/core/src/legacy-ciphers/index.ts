export { cbcDecrypt, LEGACY_BLOCK_LENGTH } from './cbc.js';
export { type BlockDecrypt, desDecryptor, desEde3Decryptor } from './des.js';
export { rc2Decryptor } from './rc2.js';
