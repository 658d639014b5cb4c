/**
 * The texts of the root help. The root help itself, as printed into a pipe or a file, is
 * bin/sealpost.js's bin/help.txt, printed without loading commander or any command: the help a user
 * asks for first should cost little more than starting Node. src/help.test.ts checks that commander,
 * given every command, prints exactly that file (at the 80 columns it uses when stdout is not a
 * terminal), and that COMMAND_LIST, from which the help at a terminal is made, matches the commands.
 */

export const PROGRAM_DESCRIPTION = "Sign, encrypt, send, verify and open S/MIME e-mail (RFC 8551), and collect recipients' certificates.";

export const HELP_AFTER = '\nExit status: 0 good verdict (send: every recipient accepted), 1 negative verdict (send: some not), 2 usage error or unreadable input.\nStart with: sealpost demo';

/** Every command, in the order help lists them, with the term and summary help shows for it. */
export const COMMAND_LIST: readonly { readonly name: string; readonly term: string; readonly summary: string }[] = [
  { name: 'keygen', term: 'keygen [options]', summary: 'make a test identity (and a test CA)' },
  { name: 'sign', term: 'sign [options]', summary: 'sign a message (detached multipart/signed, or opaque)' },
  { name: 'encrypt', term: 'encrypt [options]', summary: 'encrypt a message to one or more recipients' },
  { name: 'sign-encrypt', term: 'sign-encrypt [options]', summary: 'sign a message, then encrypt it' },
  { name: 'verify', term: 'verify [options]', summary: 'verify a signed message; exit 0 only if it is valid' },
  { name: 'decrypt', term: 'decrypt [options]', summary: 'decrypt one encrypted layer; exit 0 only if it decrypted' },
  { name: 'open', term: 'open [options]', summary: 'decrypt and verify every layer; exit 0 only if valid or decrypted' },
  { name: 'inspect', term: 'inspect [options]', summary: 'show the MIME tree and what each S/MIME part contains' },
  { name: 'send', term: 'send [options]', summary: 'sign, encrypt per recipient and send, through SparkPost or SMTP; also in bulk' },
  { name: 'worker', term: 'worker [options]', summary: 'send the campaigns queued in PostgreSQL (send --bulk --queue); run any number, on any hosts' },
  { name: 'campaign', term: 'campaign', summary: 'status, pause, resume, cancel or delete a campaign queued with send --bulk --queue' },
  { name: 'serve', term: 'serve [options]', summary: 'run the relay-webhook key collector and certificate look-up' },
  { name: 'keys', term: 'keys', summary: "manage the key store of recipients' certificates" },
  { name: 'demo', term: 'demo [options]', summary: 'the whole story in a few seconds, on this machine' },
];
