/** The demo's attachment: UTF-8 text, so its bytes are 8-bit and signing has to protect them with base64. */
export const ATTACHMENT_TEXT = 'Grüße aus Köln!\nPrice: 12 € (Zoë signs, Bjørn pays).\n';

export interface DemoMessageOptions {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** A small multipart/mixed message: a text part and an 8-bit attachment, CRLF line endings. */
export function composeDemoMessage(options: DemoMessageOptions): Uint8Array {
  const boundary = 'sealpost-demo-boundary-7f3a';
  const lines = [
    `From: ${options.from}`,
    `To: ${options.to}`,
    `Subject: ${options.subject}`,
    'Date: Mon, 02 Mar 2026 09:30:00 +0000',
    'Message-ID: <demo-1@example.com>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: 7bit',
    '',
    ...options.text.split('\n'),
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8; name="greetings.txt"',
    'Content-Transfer-Encoding: 8bit',
    'Content-Disposition: attachment; filename="greetings.txt"',
    '',
    ...ATTACHMENT_TEXT.replace(/\n$/, '').split('\n'),
    `--${boundary}--`,
    '',
  ];
  return new TextEncoder().encode(lines.join('\r\n'));
}

/** The attachment as it should come out of the decoded part (CRLF: the part is text). */
export function expectedAttachmentBytes(): Uint8Array {
  return new TextEncoder().encode(ATTACHMENT_TEXT.replace(/\n/g, '\r\n').replace(/\r\n$/, ''));
}
