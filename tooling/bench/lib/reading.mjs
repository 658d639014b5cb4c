// The "how to read this" paragraphs, written from this run's numbers so that they stay true when rerun.
import { ms, ratio } from './format.mjs';

export function readingOf({ cases, results, processStart, machine }) {
  const describe = (caseId) => {
    const c = cases.find((x) => x.id === caseId);
    return c === undefined ? caseId : `${c.key} ${c.operation}`;
  };
  const median = (caseId, variant) => results.get(caseId)?.get(variant)?.stats?.median;
  const known = (...values) => values.every((v) => v !== undefined);
  const paragraphs = [];

  const textCases = [...results.keys()].filter((id) => id.startsWith('text.'));
  const opensslText = textCases.map((id) => [id, median(id, 'openssl')]).filter(([, m]) => m !== undefined);
  if (processStart !== undefined && opensslText.length > 0) {
    const [cheapestId, cheapest] = opensslText.reduce((a, b) => (b[1] < a[1] ? b : a));
    const pkijsSame = median(cheapestId, 'pkijs');
    paragraphs.push(
      `**openssl pays for a process per operation.** Starting \`openssl\` to do nothing takes ${ms(processStart.median)} ms here; `
        + 'every sign, encrypt and decrypt runs one process, a verify one per signer (the chain is checked in-process '
        + 'through node:crypto), and `signAndEncrypt` and `open` two. Its cheapest 10 KiB operation, '
        + `${describe(cheapestId)}, takes ${ms(cheapest)} ms${pkijsSame === undefined ? '' : ` (pkijs: ${ms(pkijsSame)} ms)`}, `
        + `so ${shareOf(processStart.median, cheapest)} of it is starting the process. `
        + 'What it buys is not speed: HSM keys, a FIPS provider, the system OpenSSL.',
    );
  }

  const sign = 'text.rsa2048.sign';
  const oaep = 'text.rsa2048.decrypt.aes-256-gcm.rsa-oaep';
  const verify = 'text.rsa2048.verify';
  const encrypt = 'text.rsa2048.encrypt.aes-256-gcm.rsa-oaep';
  if (known(median(sign, 'forge'), median(sign, 'pkijs'), median(oaep, 'forge'), median(oaep, 'pkijs'))) {
    paragraphs.push(
      '**forge does RSA private-key operations in JavaScript.** An RSA-2048 signature on the 10 KiB message takes '
        + `${ms(median(sign, 'forge'))} ms with forge against ${ms(median(sign, 'pkijs'))} ms with pkijs, whose WebCrypto is Node's OpenSSL `
        + `(${ratio(median(sign, 'forge'), median(sign, 'pkijs'))}×); an RSA-OAEP decryption ${ms(median(oaep, 'forge'))} against ${ms(median(oaep, 'pkijs'))} ms. `
        + (known(median(verify, 'forge'), median(verify, 'pkijs'), median(encrypt, 'forge'), median(encrypt, 'pkijs'))
          ? `Operations with public keys only are another matter: verify ${ms(median(verify, 'forge'))} ms (pkijs ${ms(median(verify, 'pkijs'))}), `
            + `encrypt ${ms(median(encrypt, 'forge'))} ms (pkijs ${ms(median(encrypt, 'pkijs'))}).`
          : ''),
    );
  }

  const bigEncrypt = 'attachment.rsa2048.encrypt.aes-256-gcm.rsa-pkcs1';
  const bigSign = 'attachment.rsa2048.sign';
  if (known(median(bigEncrypt, 'forge'), median(bigEncrypt, 'pkijs'))) {
    const opensslPart = median(bigEncrypt, 'openssl') === undefined ? '' : ` and ${ms(median(bigEncrypt, 'openssl'))} ms through openssl, which pipes the message through its process`;
    const signPart = known(median(bigSign, 'forge'), median(bigSign, 'pkijs'))
      ? ` Signing it (one SHA-256 over the canonical entity plus one RSA signature) takes ${ms(median(bigSign, 'forge'))} ms with forge and ${ms(median(bigSign, 'pkijs'))} ms with pkijs.`
      : '';
    paragraphs.push(
      '**At 1 MiB the content dominates.** Encrypting the attachment message with AES-256-GCM takes '
        + `${ms(median(bigEncrypt, 'forge'))} ms in forge's JavaScript AES, ${ms(median(bigEncrypt, 'pkijs'))} ms with pkijs (WebCrypto)${opensslPart}; `
        + 'these times include core\'s MIME work (canonical form, base64 of the CMS), which is the same for every backend.'
        + signPart,
    );
  }

  const v15 = 'text.rsa2048.decrypt.aes-256-gcm.rsa-pkcs1';
  if (known(median(v15, 'pkijs'), median(v15, 'pkijs-node-rsa'))) {
    paragraphs.push(
      '**pkijs and PKCS#1 v1.5.** WebCrypto has no RSAES-PKCS1-v1_5, so plain `createPkijsBackend()` does the raw RSA '
        + `step in blinded BigInt JavaScript: ${ms(median(v15, 'pkijs'))} ms per 10 KiB decryption (AES-256-GCM) against `
        + `${ms(median(v15, 'pkijs-node-rsa'))} ms with the \`rsaDecryptRaw\` hook on Node's OpenSSL that the sealpost CLI passes `
        + `(${ratio(median(v15, 'pkijs'), median(v15, 'pkijs-node-rsa'))}×). `
        + (median(oaep, 'pkijs') === undefined ? '' : `RSA-OAEP goes through WebCrypto either way (${ms(median(oaep, 'pkijs'))} ms). `)
        + 'Browsers and workers pay the BigInt price; Node services should pass the hook.',
    );
  }

  const ecSign = 'text.p256.sign';
  const ecBackends = ['pkijs', 'forge', 'openssl'].filter((b) => median(ecSign, b) !== undefined);
  if (ecBackends.length > 0) {
    const refused = ['pkijs', 'forge'].filter((b) => results.get('text.p256.encrypt.aes-256-gcm.ecdh')?.get(b)?.unsupported !== undefined);
    paragraphs.push(
      `**EC P-256.** An ECDSA signature on the 10 KiB message: ${ecBackends.map((b) => `${ms(median(ecSign, b))} ms (${b})`).join(', ')}`
        + `${ecBackends.includes('forge') ? '; forge signs through @noble/curves, so EC keys do not pay its RSA price' : ''}. `
        + (refused.length === 0 ? '' : `${refused.join(' and ')} ${refused.length === 1 ? 'has' : 'have'} no ECDH key agreement yet and refuse EC recipients with \`ERR_UNSUPPORTED_KEY_AGREEMENT\`, hence the empty cells.`),
    );
  }

  const spread = worstSpread(results);
  if (spread !== undefined) {
    paragraphs.push(
      `**Noise.** The machine had ${machine.cores} cores and a load average of ${machine.loadAverage.toFixed(2)} at the start; `
        + `in this run the p95 reaches ${ratio(spread, 1)}× the median in the worst cell, `
        + 'and medians move from run to run. Compare backends within one row of one run (they take turns), '
        + 'not across runs or machines; run `pnpm bench` on yours.',
    );
  }
  return paragraphs;
}

function shareOf(part, whole) {
  const percent = Math.round((100 * part) / whole);
  return percent >= 95 ? 'nearly all' : `about ${percent}%`;
}

function worstSpread(results) {
  let worst;
  for (const byVariant of results.values()) {
    for (const { stats } of byVariant.values()) {
      if (stats !== undefined && stats.median > 0) worst = Math.max(worst ?? 0, stats.p95 / stats.median);
    }
  }
  return worst;
}
