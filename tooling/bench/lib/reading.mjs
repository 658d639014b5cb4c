// The "how to read this" paragraphs, written from this run's numbers so that they stay true when rerun.
import { GOALS } from './cases.mjs';
import { mib, ms, rate, ratio, times } from './format.mjs';
import { LARGE_GOALS, LARGE_OPERATIONS } from './large.mjs';
import { rawLimitOf, throughputRatio } from './ratio.mjs';
import { SEND_GOAL } from './send-many.mjs';
import { STARTUP_GOALS } from './startup.mjs';

export function readingOf({ cases, results, processStart, machine, raw = [], send, bulk, large, startup }) {
  const describe = (caseId) => {
    const c = cases.find((x) => x.id === caseId);
    return c === undefined ? caseId : `${c.key} ${c.operation}`;
  };
  const median = (caseId, variant) => results.get(caseId)?.get(variant)?.stats?.median;
  const known = (...values) => values.every((v) => v !== undefined);
  const paragraphs = [];

  // The openssl backend starts a process for private-key operations only (sign, decrypt, and what contains them).
  const withProcess = new Set(['sign', 'decrypt', 'sign-and-encrypt', 'open']);
  const textCases = cases.filter((c) => c.group === 'text' && withProcess.has(c.kind) && c.inProcess !== true).map((c) => c.id);
  const opensslText = textCases.map((id) => [id, median(id, 'openssl')]).filter(([, m]) => m !== undefined);
  if (processStart !== undefined && opensslText.length > 0) {
    const [cheapestId, cheapest] = opensslText.reduce((a, b) => (b[1] < a[1] ? b : a));
    const pkijsSame = median(cheapestId, 'pkijs');
    paragraphs.push(
      `**openssl pays for a process per private-key operation.** Starting \`openssl\` to do nothing takes ${ms(processStart.median)} ms here; ` +
        'the openssl backend runs `openssl pkeyutl` for every signature and every RSA decryption (`openssl pkeyutl -derive` for ECDH and X25519 decryption), ' +
        'and does public-key work and AES in node:crypto, and ML-DSA and ML-KEM with @noble/post-quantum, so `verify`, encryption to RSA and X25519 recipients and the post-quantum rows start no process. ' +
        `Its cheapest 10 KiB operation that does start one, ${describe(cheapestId)}, takes ${ms(cheapest)} ms` +
        `${pkijsSame === undefined ? '' : ` (pkijs: ${ms(pkijsSame)} ms)`}, so ${shareOf(processStart.median, cheapest)} of it is starting the process. ` +
        'What it buys is not speed: HSM keys, a FIPS provider, the system OpenSSL.',
    );
  }

  const sign = 'text.rsa2048.sign';
  const oaep = 'text.rsa2048.decrypt.aes-256-gcm.rsa-oaep';
  const verify = 'text.rsa2048.verify';
  const encrypt = 'text.rsa2048.encrypt.aes-256-gcm.rsa-oaep';
  if (known(median(sign, 'forge'), median(sign, 'pkijs'), median(oaep, 'forge'), median(oaep, 'pkijs'))) {
    paragraphs.push(
      '**forge does RSA private-key operations in JavaScript.** An RSA-2048 signature on the 10 KiB message takes ' +
        `${ms(median(sign, 'forge'))} ms with forge against ${ms(median(sign, 'pkijs'))} ms with pkijs, whose WebCrypto is Node's OpenSSL ` +
        `(${ratio(median(sign, 'forge'), median(sign, 'pkijs'))}×); an RSA-OAEP decryption ${ms(median(oaep, 'forge'))} against ${ms(median(oaep, 'pkijs'))} ms. ` +
        (known(median(verify, 'forge'), median(verify, 'pkijs'), median(encrypt, 'forge'), median(encrypt, 'pkijs'))
          ? `Operations with public keys only are another matter: verify ${ms(median(verify, 'forge'))} ms (pkijs ${ms(median(verify, 'pkijs'))}), ` +
            `encrypt ${ms(median(encrypt, 'forge'))} ms (pkijs ${ms(median(encrypt, 'pkijs'))}).`
          : ''),
    );
  }

  const bigEncrypt = 'attachment.rsa2048.encrypt.aes-256-gcm.rsa-pkcs1';
  const bigSign = 'attachment.rsa2048.sign';
  if (known(median(bigEncrypt, 'forge'), median(bigEncrypt, 'pkijs'))) {
    const opensslPart = median(bigEncrypt, 'openssl') === undefined ? '' : ` and ${ms(median(bigEncrypt, 'openssl'))} ms with the openssl backend (AES in node:crypto, no process for RSA recipients)`;
    const signPart = known(median(bigSign, 'forge'), median(bigSign, 'pkijs'))
      ? ` Signing it (one SHA-256 over the canonical entity plus one RSA signature) takes ${ms(median(bigSign, 'forge'))} ms with forge and ${ms(median(bigSign, 'pkijs'))} ms with pkijs.`
      : '';
    paragraphs.push(
      '**At 1 MiB the content dominates.** Encrypting the attachment message with AES-256-GCM takes ' +
        `${ms(median(bigEncrypt, 'forge'))} ms in forge's JavaScript AES, ${ms(median(bigEncrypt, 'pkijs'))} ms with pkijs (WebCrypto)${opensslPart}; ` +
        "these times include core's MIME work (canonical form, base64 of the CMS), which is the same for every backend." +
        signPart,
    );
  }

  const v15 = 'text.rsa2048.decrypt.aes-256-gcm.rsa-pkcs1';
  if (known(median(v15, 'pkijs-portable'), median(v15, 'pkijs'))) {
    paragraphs.push(
      '**pkijs and PKCS#1 v1.5.** WebCrypto has no RSAES-PKCS1-v1_5, so the portable `createPkijsBackend()` does the raw RSA ' +
        `step in blinded BigInt JavaScript: ${ms(median(v15, 'pkijs-portable'))} ms per 10 KiB decryption (AES-256-GCM) against ` +
        `${ms(median(v15, 'pkijs'))} ms from the package's Node entry, which Node applications load by default and which does it with Node's OpenSSL ` +
        `(${ratio(median(v15, 'pkijs-portable'), median(v15, 'pkijs'))}×). ` +
        (median(oaep, 'pkijs') === undefined ? '' : `RSA-OAEP goes through WebCrypto either way (${ms(median(oaep, 'pkijs'))} ms). `) +
        'Browsers and workers pay the BigInt price; Node does not.',
    );
  }

  const ecSign = 'text.p256.sign';
  const ecBackends = ['pkijs', 'forge', 'openssl'].filter((b) => median(ecSign, b) !== undefined);
  if (ecBackends.length > 0) {
    const refused = ['pkijs', 'forge'].filter((b) => results.get('text.p256.encrypt.aes-256-gcm.ecdh')?.get(b)?.unsupported !== undefined);
    paragraphs.push(
      `**EC P-256.** An ECDSA signature on the 10 KiB message: ${ecBackends.map((b) => `${ms(median(ecSign, b))} ms (${b})`).join(', ')}` +
        `${ecBackends.includes('forge') ? '; forge signs through @noble/curves, so EC keys do not pay its RSA price' : ''}. ` +
        (refused.length === 0
          ? ''
          : `${refused.join(' and ')} ${refused.length === 1 ? 'has' : 'have'} no ECDH key agreement yet and refuse EC recipients with \`ERR_UNSUPPORTED_KEY_AGREEMENT\`, hence the empty cells.`),
    );
    paragraphs[paragraphs.length - 1] = paragraphs.at(-1).trimEnd();
  }

  paragraphs.push(...newerKeys({ results, raw }));
  paragraphs.push(...againstTheLimit({ cases, results, raw }));
  if (send !== undefined) paragraphs.push(sendReading(send));
  if (bulk !== undefined) paragraphs.push(bulkReading(bulk, send));
  if (large !== undefined) paragraphs.push(largeReading(large));
  if (startup !== undefined) paragraphs.push(startupReading(startup));

  const spread = worstSpread(results);
  if (spread !== undefined) {
    paragraphs.push(
      `**Noise.** The machine had ${machine.cores} cores and a load average of ${machine.loadAverage.toFixed(2)} at the start; ` +
        `in this run the p95 reaches ${ratio(spread, 1)}× the median in the worst cell, ` +
        'and medians move from run to run. Compare backends within one row of one run (they take turns), ' +
        'not across runs or machines; run `pnpm bench` on yours.',
    );
  }
  return paragraphs;
}

/**
 * Ed25519 / X25519 and ML-DSA-65 / ML-KEM-768: each backend's median and ratio for the operations the
 * rows were added for, and what bounds the ratio (from profiles: tooling/bench/README.md).
 */
function newerKeys({ results, raw }) {
  const figures = (id) => {
    const row = results.get(id);
    const limit = rawLimitOf(row, raw);
    if (row === undefined || limit === undefined) return undefined;
    const cells = ['pkijs', 'forge', 'openssl']
      .map((backend) => [backend, row.get(backend)?.stats])
      .filter(([, stats]) => stats !== undefined)
      .map(([backend, stats]) => `${backend} ${ms(stats.median)} ms (${times(throughputRatio(stats.median, limit.stats.median))})`);
    return cells.length === 0 ? undefined : `${cells.join(', ')}; raw ${ms(limit.stats.median)} ms`;
  };
  const paragraphs = [];
  const curve = [
    ['sign', 'text.ed25519.sign'],
    ['verify', 'text.ed25519.verify'],
    ['X25519 encrypt', 'text.ed25519.encrypt.aes-256-gcm.x25519'],
    ['X25519 decrypt', 'text.ed25519.decrypt.aes-256-gcm.x25519'],
  ]
    .map(([what, id]) => [what, figures(id)])
    .filter(([, f]) => f !== undefined);
  if (curve.length > 0) {
    paragraphs.push(
      "**Ed25519 and X25519** (RFC 9216's carlos signs, dana receives), 10 KiB: " +
        `${curve.map(([what, f]) => `${what}: ${f}`).join('; ')}. ` +
        'One Ed25519 signature or X25519 agreement costs node:crypto a few hundredths of a millisecond, so the fixed costs ' +
        "dominate: core's MIME work, the check of every Ed25519 signature it makes before the message leaves, WebCrypto's " +
        'asynchronous jobs (pkijs), @noble/curves in JavaScript (forge), and `openssl pkeyutl` started per signature and per ' +
        'X25519 decryption (openssl).',
    );
  }
  const quantum = [
    ['ML-DSA-65 sign', 'text.mldsa65.sign'],
    ['verify', 'text.mldsa65.verify'],
    ['ML-KEM-768 encrypt', 'text.mldsa65.encrypt.aes-256-gcm.ml-kem-768'],
    ['decrypt', 'text.mldsa65.decrypt.aes-256-gcm.ml-kem-768'],
  ]
    .map(([what, id]) => [what, figures(id)])
    .filter(([, f]) => f !== undefined);
  if (quantum.length > 0) {
    paragraphs.push(
      '**ML-DSA-65 and ML-KEM-768** (experimental), 10 KiB: ' +
        `${quantum.map(([what, f]) => `${what}: ${f}`).join('; ')}. ` +
        "Neither WebCrypto nor node:crypto in Node 20 has them, so the raw figure is @noble/post-quantum's, the code every " +
        "backend runs through core's backend kit, and the backends differ by little. Sealpost expands the private key's seed " +
        'again for every signature and decapsulation (the raw rows expand it once, as a key import) and checks every ML-DSA ' +
        'signature it makes; a verify ratio above 1× is not a measuring error: core remembers that the CA signed the ' +
        "signer's certificate, so from the second message on it runs one ML-DSA verification where the raw row runs two.",
    );
  }
  return paragraphs;
}

/** The 10 KiB RSA-2048 rows with a goal: how far each backend is from the raw primitives. */
function againstTheLimit({ cases, results, raw }) {
  const parts = [];
  for (const kind of Object.keys(GOALS)) {
    const id = `text.rsa2048.${kind}`;
    const row = results.get(id);
    const limit = rawLimitOf(row, raw);
    if (row === undefined || limit === undefined) continue;
    const figures = ['pkijs', 'forge', 'openssl']
      .map((backend) => {
        const stats = row.get(backend)?.stats;
        return stats === undefined ? undefined : `${backend} ${times(throughputRatio(stats.median, limit.stats.median))}`;
      })
      .filter((f) => f !== undefined);
    if (figures.length > 0) parts.push(`${kind} ${ms(limit.stats.median)} ms raw (${limit.variant.label.replace(/^raw /, '')}), ${figures.join(', ')} (goal ≥ ${GOALS[kind]}×)`);
  }
  if (parts.length === 0 || !cases.some((c) => c.id.startsWith('text.rsa2048.'))) return [];
  return [
    '**Against the limit.** On the 10 KiB message with RSA-2048, as throughput shares of the raw primitives doing the ' +
      `same cryptographic work: ${parts.join('; ')}. The rest of each operation's time is Sealpost's own work (MIME, ` +
      'DER, base64, chain building, verdict) and, for openssl, starting processes; the summary says which goals are met.',
  ];
}

function sendReading(send) {
  const raw = send.results.get('raw-node');
  const figures = [...send.results.entries()].filter(([id]) => id !== 'raw-node').map(([id, r]) => `${rate(r.perSecond, ' rcpt/s')} (${id})`);
  const ceiling =
    raw.perSecond < SEND_GOAL
      ? ` On this machine even the raw primitives reach only ${rate(raw.perSecond, ' rcpt/s')}, under the goal of ${rate(SEND_GOAL, ' rcpt/s')}: the goal cannot be met here by any code doing the same cryptographic work (two RSA public operations per copy), so read the ratio rather than the rate.`
      : '';
  return (
    `**send() to ${send.copies} recipients.** ${figures.join(', ')} on one core, against ${rate(raw.perSecond, ' rcpt/s')} for the raw primitives ` +
    `(goal ≥ ${rate(SEND_GOAL, ' rcpt/s')} per core). Each copy is about ${(send.copyBytes / 1024).toFixed(0)} KiB as sent.${ceiling}`
  );
}

function bulkReading(bulk, send) {
  const one = bulk.results.get('cli-1');
  const many = bulk.results.get('cli-n');
  const raw = bulk.results.get('raw-node');
  const inProcess = send?.results.get('pkijs');
  const workers =
    many === undefined
      ? ''
      : `With \`${bulk.workersFlag} ${bulk.workers}\` it delivers ${rate(many.perSecond, ' rcpt/s')} (${times(many.perSecond / one.perSecond)} the one-worker figure), the SMTP server sharing the cores. `;
  return (
    `**The CLI's bulk send** delivers ${rate(one.perSecond, ' rcpt/s')} over SMTP with one worker on one core (raw primitives: ${rate(raw.perSecond, ' rcpt/s')}, ` +
    `${times(one.perSecond / raw.perSecond)}). Every row is its own message, signed and sealed, handed to a real SMTP server over STARTTLS and journaled ` +
    `(two flushes to disk per row)${inProcess === undefined ? '' : `; send() with pkijs seals ${rate(inProcess.perSecond, ' rcpt/s')} in-process, with one signature for all`}. ` +
    workers +
    (bulk.workersFlag === undefined ? 'There is no `--workers` flag yet, so the second core is left to the server; the N-worker row waits for one.' : '')
  ).trimEnd();
}

function largeReading(large) {
  const worst = (kind) => {
    let found;
    for (const op of LARGE_OPERATIONS) {
      const cms = large.results.get(`${op}:openssl-cms`);
      for (const [key, r] of large.results) {
        if (!key.startsWith(`${op}:`) || r.id === 'openssl-cms') continue;
        const size = op === 'open' ? large.sizes.sealed : large.sizes.message;
        const value = kind === 'rss' ? r.peakBytes / size : r.stats.median / cms.stats.median;
        const best = kind === 'rss' ? r.peakBytes : r.stats.median;
        if (found === undefined || value > found.value) found = { value, op, id: r.id, best };
      }
    }
    return found;
  };
  const rss = worst('rss');
  const time = worst('time');
  const pkijs = LARGE_OPERATIONS.filter((op) => large.results.has(`${op}:pkijs`)).map((op) => {
    const r = large.results.get(`${op}:pkijs`);
    const size = op === 'open' ? large.sizes.sealed : large.sizes.message;
    return `${op} ${ms(r.stats.median)} ms (${times(r.stats.median / large.results.get(`${op}:openssl-cms`).stats.median)} \`openssl cms\`, peak RSS ${times(r.peakBytes / size)} its input)`;
  });
  return (
    `**${large.mebibytes} MiB.** The message is ${mib(large.sizes.message)} (${mib(large.sizes.sealed)} sealed). ` +
    (pkijs.length === 0 ? '' : `With pkijs: ${pkijs.join(', ')}. `) +
    `Of all backends, the largest peak RSS is ${mib(rss.best)} ` +
    `(${rss.id} ${rss.op}, ${times(rss.value)} its input; goal ≤ ${LARGE_GOALS.rss}×), the slowest against \`openssl cms\` is ${time.id} ${time.op} at ` +
    `${times(time.value)} its time (goal ≤ ${LARGE_GOALS.time}×). A Node process holds tens of MiB before any work; the "RSS added" column leaves that out.`
  );
}

function startupReading(startup) {
  const base = startup.results.get('node').median;
  const help = startup.results.get('help').median;
  const verify = startup.results.get('verify').median;
  return (
    `**Starting the CLI.** \`node -e 0\` takes ${ms(base)} ms here; \`sealpost --help\` ${ms(help)} ms (${times(help / base)}, goal ≤ ${STARTUP_GOALS.help}×) ` +
    `and \`sealpost verify\` of a small message ${ms(verify)} ms (${times(verify / base)}, goal ≤ ${STARTUP_GOALS.verify}×).`
  );
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
