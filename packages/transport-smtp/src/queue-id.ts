/**
 * The id the server gave the message, from its reply to the message: one nodemailer recognises
 * (Microsoft 365, Amazon SES), Postfix's "queued as ID" or Exim's "id=ID".
 */
export function queueIdOf(response: string, serverMessageId: string | undefined): string | undefined {
  if (serverMessageId !== undefined) return serverMessageId;
  const match = /\bqueued as ([\w.-]+)/i.exec(response) ?? /\bid=([\w.-]+)/i.exec(response);
  return match?.[1];
}
