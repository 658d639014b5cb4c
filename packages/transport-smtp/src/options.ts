/**
 * How the connection to the server is protected.
 * - `require` (default): STARTTLS must be offered and must succeed, and the server certificate must
 *   verify against the system roots (or `ca`) for the host name. Otherwise nothing is sent.
 * - `implicit`: TLS from the first byte (port 465, `smtps://`), verified the same way.
 * - `opportunistic`: STARTTLS when the server offers it, without verifying the certificate, and
 *   plaintext when it does not. An attacker on the path can strip STARTTLS; use it only when asked to.
 */
export type SmtpTlsPolicy = 'require' | 'opportunistic' | 'implicit';

export interface SmtpAuth {
  readonly user: string;
  readonly pass: string;
  /** SASL mechanism; default the first of PLAIN, LOGIN that the server offers. */
  readonly method?: 'PLAIN' | 'LOGIN';
}

/** Milliseconds. Each one fails the send with ERR_TIMEOUT. */
export interface SmtpTimeouts {
  /** DNS lookup and TCP connect (and the TLS handshake with `implicit`). Default 30 000. */
  readonly connection?: number;
  /** From connecting to the server's greeting, and the STARTTLS handshake. Default 30 000. */
  readonly greeting?: number;
  /** Longest silence from the server once connected. Default 600 000, the RFC 5321 wait for the reply to DATA. */
  readonly socket?: number;
}

export interface SmtpPoolOptions {
  /** Connections open at once. Default 5. */
  readonly maxConnections?: number;
  /** Messages sent over one connection before it is replaced. Default 100. */
  readonly maxMessages?: number;
}

/** Retrying of 4xx replies (temporary failures): only the recipients still deferred are tried again. */
export interface SmtpRetryOptions {
  /** Tries per recipient, the first included. Default 3; 1 turns retrying off. */
  readonly attempts?: number;
  /** Wait before the first retry, ms. Default 1 000; each later wait doubles. */
  readonly initialDelay?: number;
  /** Longest single wait, ms. Default 30 000. */
  readonly maxDelay?: number;
}

/**
 * DKIM signing (RFC 6376) of each message's final bytes, after S/MIME sealing: relaxed/relaxed,
 * rsa-sha256. The signature is one `DKIM-Signature` field put above the message's own header; the
 * message itself is sent unchanged after it.
 */
export interface SmtpDkimOptions {
  /**
   * The signing domain, `d=`: where receivers look the key up (`<keySelector>._domainkey.<domainName>`).
   * Default: the domain of each message's From address, the one DMARC wants the signature aligned with.
   */
  readonly domainName?: string;
  /** The selector, `s=`: which of the domain's published keys signs. */
  readonly keySelector: string;
  /**
   * The RSA private key (1024 bits at least; 2048 is what receivers expect): PEM text (PKCS#8
   * `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`, unencrypted) or DER bytes. It is checked when the
   * transport is created (ERR_DKIM_KEY) and never appears in an error.
   */
  readonly privateKey: string | Uint8Array;
  /**
   * Header fields to sign, From included; each present one is signed (its last instance). Default
   * nodemailer's list: From, Sender, Reply-To, Subject, Date, Message-ID, To, Cc, MIME-Version,
   * Content-Type, Content-Transfer-Encoding, Content-ID, Content-Description, the Resent-* and List-*
   * fields, In-Reply-To, References.
   */
  readonly headerFieldNames?: readonly string[];
}

export interface SmtpTransportOptions {
  /**
   * `smtp://user:pass@host:587` (STARTTLS, the `tls` policy applies) or `smtps://user:pass@host:465`
   * (implicit TLS). User and password are percent-decoded. Give either `url` or `host`.
   */
  readonly url?: string;
  readonly host?: string;
  /** Default 587, or 465 with `tls: 'implicit'`. */
  readonly port?: number;
  /** Credentials, when they are not in `url`. */
  readonly auth?: SmtpAuth;
  /** Default `require` (`implicit` for an `smtps://` URL). */
  readonly tls?: SmtpTlsPolicy;
  /**
   * Trust anchors for the server certificate, PEM text or DER bytes, instead of the system roots
   * (for test and private servers).
   */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Name the certificate must carry and sent as SNI. Default the host, when it is a name. */
  readonly servername?: string;
  /** Keep connections open and share them between sends; `close()` ends them. */
  readonly pool?: boolean | SmtpPoolOptions;
  readonly timeouts?: SmtpTimeouts;
  /** The name this client gives in EHLO. Default this machine's host name. */
  readonly name?: string;
  readonly retry?: SmtpRetryOptions;
  /** Sign each message with DKIM before it is sent; see SmtpDkimOptions. */
  readonly dkim?: SmtpDkimOptions;
}
