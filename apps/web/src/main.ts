import { type Identity, type Pkcs12Identity, type Sealpost, type ContentCipher, isSealpostError, readCertificates, readPkcs12 } from '@sealpost/core';
import { allFiles, el, enableDropZones, firstFile } from './dom.js';
import { assertCertificateFor, composeMessage, recipientAddresses } from './message.js';
import { reasonFor } from './reasons.js';
import { renderDetails, renderVerdict } from './render-open.js';
import { createPageSealpost } from './sealpost.js';
import { refusalVerdict, verdictOf } from './verdict.js';

/** A refusal with the file or field it concerns, for the reader (never a stack trace). */
class InputProblem extends Error {
  constructor(
    readonly code: string,
    readonly where: string,
  ) {
    super(`${where}: ${code}`);
  }
}

const sealpost = createPageSealpost();

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`missing #${id}`);
  return node as T;
}

/** The code of what went wrong: core's, or ERR_BACKEND for anything unexpected (its detail stays out of the page). */
function codeOf(error: unknown): string {
  return isSealpostError(error) ? error.code : 'ERR_BACKEND';
}

async function certificatesFrom(input: HTMLInputElement): Promise<Uint8Array[]> {
  const files = await allFiles(input);
  return files.flatMap((file) => {
    try {
      return readCertificates(file.bytes);
    } catch (error) {
      throw new InputProblem(codeOf(error), file.name);
    }
  });
}

/** The identity in a .p12; it lives in this call's memory only, never in storage. */
async function identityFrom(input: HTMLInputElement, passphrase: HTMLInputElement): Promise<Pkcs12Identity | null> {
  const file = await firstFile(input);
  if (file === null) return null;
  try {
    return await readPkcs12(file.bytes, passphrase.value);
  } catch (error) {
    throw new InputProblem(codeOf(error), file.name);
  }
}

function showProblem(target: HTMLElement, problem: unknown): void {
  const code = problem instanceof InputProblem ? problem.code : codeOf(problem);
  const verdict = refusalVerdict(code);
  const where = problem instanceof InputProblem ? `${problem.where}: ` : '';
  target.replaceChildren(
    renderVerdict({ ...verdict, title: problem instanceof InputProblem ? 'Could not use a file you gave' : verdict.title, reasons: [{ code, sentence: where + reasonFor(code) }] }),
  );
}

async function busy(button: HTMLButtonElement, target: HTMLElement, text: string, work: () => Promise<void>): Promise<void> {
  button.disabled = true;
  target.replaceChildren(el('p', { class: 'hint' }, text));
  try {
    await work();
  } catch (error) {
    showProblem(target, error);
  } finally {
    button.disabled = false;
  }
}

async function openMessage(client: Sealpost, target: HTMLElement): Promise<void> {
  const message = await firstFile(byId<HTMLInputElement>('open-message'));
  if (message === null) {
    target.replaceChildren(el('p', { role: 'alert' }, 'Choose a message (.eml) to open.'));
    return;
  }
  const trustAnchors = await certificatesFrom(byId('open-anchors'));
  const identity = await identityFrom(byId('open-p12'), byId('open-passphrase'));
  const identities: Identity[] = identity === null ? [] : [identity];
  let report;
  try {
    report = await client.open(message.bytes, { identities, trustAnchors });
  } catch (error) {
    target.replaceChildren(renderVerdict(refusalVerdict(codeOf(error))));
    return;
  }
  target.replaceChildren(renderVerdict(verdictOf(report)), renderDetails(message.bytes, report, trustAnchors));
}

let downloadUrl: string | null = null;

async function sealMessage(client: Sealpost, target: HTMLElement): Promise<void> {
  const identity = await identityFrom(byId('compose-p12'), byId('compose-passphrase'));
  if (identity === null) {
    target.replaceChildren(el('p', { role: 'alert' }, 'Choose your .p12 (your key and certificate) to sign with.'));
    return;
  }
  const recipients = await certificatesFrom(byId('compose-recipients'));
  const from = byId<HTMLInputElement>('compose-from').value.trim();
  const to = byId<HTMLInputElement>('compose-to').value.trim();
  let message: Uint8Array;
  try {
    message = composeMessage({ from, to, subject: byId<HTMLInputElement>('compose-subject').value, text: byId<HTMLTextAreaElement>('compose-body').value });
    assertCertificateFor(identity.certificate, from);
  } catch (error) {
    throw new InputProblem(codeOf(error), 'From or To');
  }
  const cipher = byId<HTMLSelectElement>('compose-cipher').value as ContentCipher | '';
  const sealed = await client.signAndEncrypt(message, {
    signer: identity,
    // The sender's own certificate too, so the sent copy stays readable.
    recipients: [...recipients, identity.certificate],
    ...(cipher === '' ? {} : { cipher }),
    ...(byId<HTMLInputElement>('compose-protect').checked ? { headerProtection: 'encrypt' as const } : {}),
  });
  if (downloadUrl !== null) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([sealed as Uint8Array<ArrayBuffer>], { type: 'message/rfc822' }));
  target.replaceChildren(
    el(
      'article',
      { class: 'verdict tone-good', role: 'status', 'data-status': 'sealed' },
      el('h3', {}, 'Signed and encrypted'),
      el('p', {}, `Signed as ${from}, encrypted for ${[...recipientAddresses(to), 'you'].join(', ')}. ${sealed.length} bytes, made in this page.`),
      el('a', { class: 'download', href: downloadUrl, download: 'sealed.eml' }, 'Download sealed.eml'),
    ),
  );
}

function start(): void {
  enableDropZones(document);
  const openForm = byId<HTMLFormElement>('open-form');
  const composeForm = byId<HTMLFormElement>('compose-form');
  openForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const target = byId('open-result');
    void busy(openForm.querySelector('button')!, target, 'Opening…', () => openMessage(sealpost, target));
  });
  composeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const target = byId('compose-result');
    void busy(composeForm.querySelector('button')!, target, 'Signing and encrypting…', () => sealMessage(sealpost, target));
  });
  document.body.dataset['ready'] = 'true';
}

start();
