/**
 * One plain-language sentence per error code of @sealpost/core (docs/verdicts.md): what a person reading
 * the mail should understand, not what the library did. reasons.test.ts holds this table to every code
 * in core's ErrorCode union and every code docs/verdicts.md names, so a new code cannot go unexplained.
 * Keyed by string rather than ErrorCode so the page still builds while core gains a code; the test, not
 * the compiler, is what notices a missing sentence.
 */
export const REASONS: Readonly<Record<string, string>> = {
  // input that cannot be read
  ERR_MIME_MALFORMED: 'The message is not well-formed email, so it cannot be read safely.',
  ERR_ASN1_MALFORMED: 'A cryptographic structure in the message or in a file you gave is damaged.',
  ERR_CMS_MALFORMED: 'The signature or encryption data in the message is damaged or not built as the standard requires.',
  ERR_NOT_SMIME: 'This is not an S/MIME message: there is no signature or encryption to check.',
  ERR_CERTIFICATE_MALFORMED: 'A certificate (in the message or one you gave) is damaged or not a certificate.',
  ERR_CRL_MALFORMED: 'A certificate revocation list is damaged.',
  ERR_KEY_MALFORMED: 'The private key is damaged or in a form Sealpost cannot read.',
  ERR_KEY_MISMATCH: 'The private key does not belong to the certificate it came with.',
  ERR_PKCS12_MALFORMED: 'The .p12 file is damaged or not a PKCS#12 file.',
  ERR_PKCS12_PASSWORD: 'The passphrase is wrong, or the .p12 file is damaged.',
  ERR_ADDRESS_MALFORMED: 'An email address is not written as name@example.com.',
  // resource limits
  ERR_LIMIT_DEPTH: 'The message nests parts or layers more deeply than any real mail does, so it was not read further.',
  ERR_LIMIT_PARTS: 'The message has more parts than any real mail does, so it was not read further.',
  ERR_LIMIT_SIZE: 'The message is too large to open here.',
  ERR_LIMIT_HEADERS: 'The message has more header fields than any real mail does, so it was not read further.',
  ERR_LIMIT_HEADER_SIZE: 'The message header is larger than any real mail has, so it was not read further.',
  ERR_LIMIT_SIGNERS: 'The signature claims more signers than any real mail has, so it was not checked.',
  ERR_LIMIT_CERTIFICATES: 'The signature carries more certificates than any real mail does, so it was not checked.',
  ERR_LIMIT_RECIPIENTS: 'The message is encrypted to more recipients than Sealpost reads.',
  // capabilities
  ERR_UNSUPPORTED_DIGEST: 'The message uses a hash algorithm this page does not support.',
  ERR_UNSUPPORTED_SIGNATURE: 'The message uses a signature algorithm this browser or page does not support.',
  ERR_UNSUPPORTED_CIPHER: 'The message is encrypted with a cipher this browser or page does not support.',
  ERR_UNSUPPORTED_KEY_TRANSPORT: 'The message key was protected with a method this page does not support.',
  ERR_UNSUPPORTED_KEY_AGREEMENT: 'The message key was agreed with a method this browser or page does not support.',
  ERR_UNSUPPORTED_KEM: 'The message key was protected with a post-quantum method this page does not support.',
  ERR_UNSUPPORTED_KEY: 'Your private key is of a kind this browser or page cannot use.',
  ERR_UNSUPPORTED_CMS: 'The message holds a kind of cryptographic content Sealpost does not read.',
  ERR_UNSUPPORTED_PKCS12: 'The .p12 file is protected or laid out in a way Sealpost cannot read.',
  // decryption
  ERR_DECRYPTION_FAILED: 'The message could not be decrypted: the key is not the right one, or the message was damaged or altered.',
  ERR_NO_RECIPIENT: 'The message is not encrypted for any key you gave: it was meant for someone else.',
  ERR_NOT_AUTHENTICATED: 'The encryption does not protect the content from being changed, and authenticated encryption was required.',
  ERR_WEAK_CIPHER: 'The message is encrypted with an old, weak cipher (3DES or RC2) that is only read on request.',
  // verification findings
  ERR_NO_SIGNERS: 'The signature block contains no signature at all.',
  ERR_SIGNATURE_INVALID: 'The signature does not match: the message or the signature was altered, or it was not made with this certificate.',
  ERR_DIGEST_MISMATCH: 'The message was changed after it was signed: its content no longer matches the signature.',
  ERR_MESSAGE_DIGEST_MISSING: 'The signature does not say what content it covers, so it proves nothing.',
  ERR_CONTENT_TYPE_ATTRIBUTE: 'The signature does not correctly state what kind of content it covers.',
  ERR_DETACHED_WITH_CONTENT: 'The signature carries content of its own besides the visible message, so what you see may not be what was signed.',
  ERR_SIGNER_CERTIFICATE_MISSING: "The signer's certificate is not in the message, so the signature cannot be checked.",
  ERR_CHAIN_UNTRUSTED: "The signer's certificate does not lead to any trust anchor you gave, so nobody you trust vouches for it.",
  ERR_CERTIFICATE_EXPIRED: "The signer's certificate (or one that vouches for it) has expired.",
  ERR_CERTIFICATE_NOT_YET_VALID: "The signer's certificate (or one that vouches for it) is not valid yet.",
  ERR_CERTIFICATE_USAGE: "The signer's certificate is not allowed for signing email, or an issuer on its path may not issue certificates.",
  ERR_NAME_CONSTRAINTS: "The signer's certificate names an address its issuer is not allowed to vouch for.",
  ERR_CHAIN_TOO_LONG: 'The chain of certificates behind the signer is longer than allowed.',
  ERR_CERTIFICATE_REVOKED: "The signer's certificate was revoked: its owner or issuer declared it must no longer be trusted.",
  ERR_REVOCATION_UNKNOWN: "Nobody could say whether the signer's certificate was revoked, and that answer was required.",
  ERR_FROM_MISSING: 'The message has no From address, so there is no sender to check the signer against.',
  ERR_FROM_MULTIPLE: 'The message names more than one sender, so the signer cannot be matched to one.',
  ERR_FROM_MISMATCH: "The signer's certificate is for a different address than the From field: the message claims a sender who did not sign it.",
  ERR_WEAK_DIGEST: 'The signature or a certificate uses an old, broken hash algorithm (MD5 or SHA-1).',
  ERR_WEAK_KEY: 'The signer or a certificate behind it uses a key too short to be safe.',
  ERR_NOT_ROOT_SIGNED: 'Only a part of the message is signed; the rest could have been added by anyone.',
  ERR_PARTIALLY_ENCRYPTED: 'Only a part of the message is encrypted; it was not decrypted into its unencrypted surroundings.',
  ERR_SIGNED_CIPHERTEXT_ONLY: 'A signature covers only the encrypted data: anyone can sign that, so it does not say who wrote the message.',
  ERR_HEADER_PROTECTION_MISMATCH: 'The message says its header fields were meant to be encrypted, but nothing encrypted them.',
  ERR_NOT_VALID: 'The message is not validly signed.',
  // sending and key collection
  ERR_NO_CERTIFICATE: 'There is no certificate for a recipient, so the message cannot be encrypted for them.',
  ERR_NO_RECIPIENTS: 'There is no recipient to encrypt the message for.',
  ERR_MESSAGE_TOO_LARGE: 'The message is too large to send.',
  ERR_TRANSPORT_REJECTED: 'The mail service refused the message.',
  ERR_TRANSPORT_AUTH: 'The mail service did not accept the credentials.',
  ERR_TRANSPORT_RATE_LIMITED: 'The mail service asked to slow down; try again later.',
  ERR_TRANSPORT_UNAVAILABLE: 'The mail service could not be reached.',
  ERR_TRANSPORT_TLS: 'A secure connection to the mail service could not be made.',
  ERR_TRANSPORT_OUTCOME_UNKNOWN: 'It is not known whether the mail service accepted the message.',
  ERR_TRANSPORT: 'Sending failed.',
  ERR_WEBHOOK_MALFORMED: 'A notification from the mail service could not be read.',
  ERR_KEYSTORE: 'The certificate store could not be read or written.',
  ERR_DKIM_KEY: 'The DKIM key for signing outgoing mail could not be read or does not suit the domain.',
  ERR_DKIM_SIGN: 'The outgoing message could not be given its DKIM signature.',
  // operation plumbing
  ERR_ABORTED: 'The operation was cancelled.',
  ERR_TIMEOUT: 'The operation took too long and was stopped.',
  ERR_BACKEND: 'The browser’s cryptography failed unexpectedly.',
  ERR_INVALID_ARGUMENT: 'Something given to the page was not usable.',
};

/** The sentence for a code; an unknown code still gets an honest one, with the code to look up. */
export function reasonFor(code: string): string {
  return REASONS[code] ?? `Sealpost reported ${code} (see docs/verdicts.md).`;
}
