import type { HeaderProtectionReport, OpenReport } from '@sealpost/core';
import { type HeaderView, type SignerView, authenticatedOf, coveredBy, headerProtectionOf, headersOf, layersOf, protectedHeadersOf, signersOf, textBodyOf } from './describe.js';
import { type Child, definitions, el } from './dom.js';
import type { Verdict } from './verdict.js';

/** The verdict box: what a reader must see first. */
export function renderVerdict(verdict: Verdict): HTMLElement {
  return el(
    'article',
    { class: `verdict tone-${verdict.tone}`, role: 'status', 'aria-labelledby': 'verdict-title', 'data-status': verdict.status },
    el('h3', { id: 'verdict-title' }, verdict.title),
    el('p', { class: 'summary' }, verdict.summary),
    verdict.reasons.length === 0
      ? null
      : el(
          'ul',
          { class: 'reasons', 'aria-label': verdict.status === 'valid' ? 'Notes' : 'Why' },
          verdict.reasons.map((r) => el('li', {}, r.sentence, ' ', el('code', {}, r.code))),
        ),
  );
}

/** Everything below the verdict: signer, layers, what was authenticated, protected headers, header, text. */
export function renderDetails(message: Uint8Array, report: OpenReport, trustAnchors: readonly Uint8Array[]): HTMLElement {
  const protection = headerProtectionOf(report);
  const headers = headersOf(message, report);
  const signers = signersOf(report, trustAnchors);
  const body = textBodyOf(report);
  return el(
    'div',
    { class: 'detail' },
    signers.length === 0 ? null : section('Signer', signers.map(renderSigner)),
    section(
      'Layers',
      report.layers.length === 0
        ? el('p', {}, 'None: the message is neither signed nor encrypted.')
        : el(
            'ol',
            { class: 'layers' },
            layersOf(report).map((l) =>
              el(
                'li',
                { 'data-kind': l.kind },
                el('strong', {}, l.title),
                el(
                  'ul',
                  {},
                  l.details.map((d) => el('li', {}, d)),
                ),
              ),
            ),
          ),
      report.layers.some((l) => l.type === 'signed') ? el('p', { class: 'hint' }, 'Revocation was not checked: this page asks no server about certificates.') : null,
    ),
    section(
      'What was authenticated',
      el(
        'ul',
        { id: 'authenticated' },
        authenticatedOf(report, headers, protection).map((line) => el('li', {}, line)),
      ),
    ),
    renderProtection(protection),
    section(report.content === undefined ? 'Header as received (not authenticated)' : 'Header', renderHeaders(headers)),
    section(
      'Text',
      body === null ? el('p', {}, report.content === undefined ? 'Not shown: the message could not be opened.' : 'The message has no plain-text part.') : el('pre', { class: 'body' }, body),
    ),
  );
}

function section(title: string, ...content: readonly (Child | readonly Child[])[]): HTMLElement {
  return el('section', { 'aria-label': title }, el('h3', {}, title), ...content);
}

function renderSigner(signer: SignerView): HTMLElement {
  const from =
    signer.from === null
      ? 'No single From address to compare with.'
      : signer.matchesFrom
        ? `Yes: ${signer.from} is the From address.`
        : `No: From says ${signer.from}, the certificate is for ${signer.addresses.join(', ') || 'no address'}.`;
  return definitions([
    ['Subject', signer.subject],
    ['Address', signer.addresses.join(', ') || '(none in the certificate)'],
    ['Matches From', el('span', { class: signer.matchesFrom ? 'badge inside' : 'badge mismatch', 'data-matches-from': String(signer.matchesFrom) }, from)],
    ['Signature', signer.signatureValid ? `Verifies (${signer.algorithm})` : `Does not verify (${signer.algorithm})`],
    [
      'Chain to anchor',
      signer.trusted
        ? el(
            'ol',
            { class: 'chain' },
            signer.chain.map((s) => el('li', {}, s)),
          )
        : `Not trusted: no path to a trust anchor you gave from ${signer.subject}.`,
    ],
    ['Signed at', signer.signingTime ?? undefined],
  ]);
}

function renderHeaders(headers: readonly HeaderView[]): HTMLElement {
  return el(
    'table',
    { class: 'headers' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Value'), el('th', { scope: 'col' }, 'Where'))),
    el(
      'tbody',
      {},
      headers.map((h) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, h.name),
          el('td', {}, h.value),
          el('td', {}, el('span', { class: h.fromInside ? 'badge inside' : 'badge' }, h.fromInside ? 'inside the protected part' : 'outer header')),
        ),
      ),
    ),
  );
}

/** RFC 9788: the header the sender protected, and what differs outside. */
function renderProtection(protection: HeaderProtectionReport | null): HTMLElement {
  const title = 'Protected header fields (RFC 9788)';
  if (protection === null)
    return section(title, el('p', { id: 'header-protection', 'data-present': 'false' }, 'None: this message does not carry its header fields inside the signature or encryption.'));
  const fields = protectedHeadersOf(protection);
  const subject = fields.find((h) => h.name.toLowerCase() === 'subject');
  return section(
    title,
    el(
      'div',
      { id: 'header-protection', 'data-present': 'true' },
      el('p', {}, `The sender put these fields inside the ${coveredBy(protection)}: they are the message's real header.`),
      subject === undefined ? null : el('p', {}, 'Real Subject: ', el('strong', { id: 'protected-subject' }, subject.value)),
      renderHeaders(fields),
      protection.confidential.length === 0 ? null : el('p', {}, `Hidden from relays: ${protection.confidential.join(', ')}.`),
      protection.outerDifferences.length === 0
        ? el('p', {}, 'The outer header matches what the sender left outside.')
        : el(
            'ul',
            { 'aria-label': 'Outer fields that differ' },
            protection.outerDifferences.map((d) => el('li', {}, `${d.name}: the outer header shows ${quoteList(d.outer)}, the sender wrote ${quoteList(d.expected)}.`)),
          ),
    ),
  );
}

function quoteList(values: readonly string[]): string {
  return values.length === 0 ? 'nothing' : values.map((v) => `"${v}"`).join(', ');
}
