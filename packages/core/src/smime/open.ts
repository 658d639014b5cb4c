import { SealpostError } from '../errors.js';
import { parseMime } from '../mime/index.js';
import { type DecryptOutcome, decryptParsed, isEncryptedEntity, partiallyEncrypted } from './decrypt.js';
import { replaceContent } from './layers.js';
import type { Limits, OpenLayer, OpenOptions, OpenReport, ReportError } from './types.js';
import type { MimeHeader } from '../mime/types.js';
import { readHeaderProtection } from './header-protection.js';
import { type VerifyContext, isSignedEntity, verifyParsed } from './verify.js';

const DEFAULT_MAX_LAYERS = 8;

// Worst first: the overall status is the worst any layer reached.
const SEVERITY = ['failed', 'invalid', 'partially-encrypted', 'partially-signed', 'untrusted', 'valid', 'decrypted', 'not-signed'] as const;

export async function openMessage(ctx: VerifyContext, message: Uint8Array, options: OpenOptions): Promise<OpenReport> {
  const maxLayers = ctx.limits?.maxLayers ?? DEFAULT_MAX_LAYERS;
  const layers: OpenLayer[] = [];
  let current = message;
  let outerHeaders: readonly MimeHeader[] | undefined;
  // The innermost entity a layer yielded: the Cryptographic Payload when it declares header protection.
  let payload: Uint8Array | undefined;
  const finish = (content: Uint8Array | undefined): OpenReport => finishReport(layers, content, outerHeaders, payload, ctx.limits);
  for (;;) {
    const root = parseMime(current, ctx.limits);
    outerHeaders ??= root.headers;
    const encrypted = isEncryptedEntity(root);
    const signed = !encrypted && isSignedEntity(root);
    if (!encrypted && !signed) {
      const nested = await nestedLayer(ctx, root, options);
      if (nested !== null) layers.push(nested);
      return finish(nested === null ? current : undefined);
    }
    if (layers.length >= maxLayers) throw new SealpostError('ERR_LIMIT_DEPTH', `more than ${maxLayers} signed or encrypted layers`, { detail: { maxLayers } });
    if (encrypted) {
      // A signature around encrypted content signs only ciphertext, which anyone can sign: whatever the
      // decryption yields is not that signer's message.
      const outer = layers.at(-1);
      if (outer?.type === 'signed') layers[layers.length - 1] = overCiphertext(outer);
      const report = await decryptWithAny(ctx, current, root, options);
      const { content, entity, ...layer } = report;
      layers.push({ type: 'enveloped', ...layer });
      if (content === undefined) return finish(undefined);
      current = content;
      payload = entity;
    } else {
      const report = await verifyParsed(ctx, root, options);
      const { content, headerProtection: _read, ...layer } = report;
      layers.push({ type: 'signed', ...layer });
      if (content === undefined || report.status === 'invalid') return finish(undefined);
      current = replaceContent(current, content, ctx.limits);
      payload = content;
    }
  }
}

/** A signed or encrypted part below the root: reported, never unwrapped into its surroundings. */
async function nestedLayer(ctx: VerifyContext, root: ReturnType<typeof parseMime>, options: OpenOptions): Promise<OpenLayer | null> {
  const verify = await verifyParsed(ctx, root, options);
  if (verify.status === 'partially-signed') {
    const { content: _c, ...layer } = verify;
    return { type: 'signed', ...layer };
  }
  const encrypted = partiallyEncrypted(root);
  return encrypted === null ? null : { type: 'enveloped', ...encrypted };
}

async function decryptWithAny(ctx: VerifyContext, message: Uint8Array, root: ReturnType<typeof parseMime>, options: OpenOptions): Promise<DecryptOutcome> {
  if (options.identities.length === 0) return { status: 'failed', errors: [{ code: 'ERR_NO_RECIPIENT', message: 'the message is encrypted and no identity to decrypt it was given' }] };
  let last: DecryptOutcome | undefined;
  for (const identity of options.identities) {
    last = await decryptParsed(ctx, message, root, {
      identity,
      ...(options.requireAuthenticated === undefined ? {} : { requireAuthenticated: options.requireAuthenticated }),
      ...(options.policy === undefined ? {} : { policy: options.policy }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (last.status === 'decrypted' || !last.errors.some((e) => e.code === 'ERR_NO_RECIPIENT')) return last;
  }
  return last!;
}

/** A signed layer whose content is encrypted: reported, flagged, and no longer a verdict on the message. */
function overCiphertext(layer: Extract<OpenLayer, { type: 'signed' }>): OpenLayer {
  return {
    ...layer,
    coversCiphertextOnly: true,
    errors: [
      ...layer.errors,
      {
        code: 'ERR_SIGNED_CIPHERTEXT_ONLY',
        message: 'this signature covers only encrypted content: anyone can sign ciphertext, so it says nothing about who wrote the decrypted message',
      },
    ],
  };
}

function finishReport(
  layers: readonly OpenLayer[],
  content: Uint8Array | undefined,
  outerHeaders: readonly MimeHeader[] | undefined,
  payload: Uint8Array | undefined,
  limits: Limits | undefined,
): OpenReport {
  // A signature over ciphertext only is no verdict on the message, unless it is broken (then it is still the worst news).
  const statuses = layers.filter((l) => !(l.type === 'signed' && l.coversCiphertextOnly === true && l.status !== 'invalid')).map((l) => l.status);
  const status = statuses.length === 0 ? 'not-signed' : (SEVERITY.find((s) => (statuses as string[]).includes(s)) ?? statuses[0]!);
  const errors: ReportError[] = layers.flatMap((l) => l.errors);
  // Header protection is read only from content every layer yielded (nothing failed on the way in).
  const covered = {
    signed: layers.some((l) => l.type === 'signed' && l.coversCiphertextOnly !== true && l.status !== 'partially-signed'),
    encrypted: layers.some((l) => l.type === 'enveloped' && l.status === 'decrypted'),
  };
  const protection = content === undefined || payload === undefined || outerHeaders === undefined ? undefined : readHeaderProtection(outerHeaders, payload, covered, limits);
  return { status, layers, errors, ...(protection === undefined ? {} : { headerProtection: protection }), ...(content === undefined ? {} : { content }) };
}
