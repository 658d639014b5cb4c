/**
 * What `sealpost --help` prints, without loading commander or any command: the help a user asks for
 * first should cost little more than starting Node. program.ts builds the command tree from the same
 * description, summaries and closing text; src/help.test.ts checks that commander, given every
 * command, prints exactly ROOT_HELP (at the 80 columns it uses when stdout is not a terminal).
 */

export const PROGRAM_DESCRIPTION = "Sign, encrypt, send, verify and open S/MIME e-mail (RFC 8551), and collect recipients' certificates.";

export const HELP_AFTER =
  "\nExit status: 0 good verdict (send: every recipient accepted), 1 negative verdict (send: some not), 2 usage error or unreadable input.\nStart with: sealpost demo";

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
  { name: 'serve', term: 'serve [options]', summary: 'run the relay-webhook key collector and certificate look-up' },
  { name: 'keys', term: 'keys', summary: "manage the key store of recipients' certificates" },
  { name: 'demo', term: 'demo [options]', summary: 'the whole story in a few seconds, on this machine' },
];

/** The root help as commander prints it to a pipe or a file (80 columns). */
export const ROOT_HELP = `Usage: sealpost [options] [command]

Sign, encrypt, send, verify and open S/MIME e-mail (RFC 8551), and collect
recipients' certificates.

Options:
  -V, --version           output the version number
  -h, --help              display help for command

Commands:
  keygen [options]        make a test identity (and a test CA)
  sign [options]          sign a message (detached multipart/signed, or opaque)
  encrypt [options]       encrypt a message to one or more recipients
  sign-encrypt [options]  sign a message, then encrypt it
  verify [options]        verify a signed message; exit 0 only if it is valid
  decrypt [options]       decrypt one encrypted layer; exit 0 only if it
                          decrypted
  open [options]          decrypt and verify every layer; exit 0 only if valid
                          or decrypted
  inspect [options]       show the MIME tree and what each S/MIME part contains
  send [options]          sign, encrypt per recipient and send, through
                          SparkPost or SMTP; also in bulk
  serve [options]         run the relay-webhook key collector and certificate
                          look-up
  keys                    manage the key store of recipients' certificates
  demo [options]          the whole story in a few seconds, on this machine
  help [command]          display help for command

Exit status: 0 good verdict (send: every recipient accepted), 1 negative verdict (send: some not), 2 usage error or unreadable input.
Start with: sealpost demo
`;
