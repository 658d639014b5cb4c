// docs/benchmarks.md: how the numbers were measured, the machine, the tables and what they say.
import { GOALS } from './cases.mjs';
import { LARGE_GOALS } from './large.mjs';
import { SIGNED_ATTRIBUTES } from './raw.mjs';
import { SEND_GOAL } from './send-many.mjs';
import { STARTUP_GOALS } from './startup.mjs';
import { machineTable, processStartTable } from './tables.mjs';

export function benchmarkPage({ date, seconds, timeSpent, command, settings, options, machine, sections, summary, processStart, measured, reading, loadAtEnd }) {
  // Said next to the figures, not only under "Machine": a shared machine's load moves every number.
  const noise =
    `**A shared, noisy machine.** ${machine.cores} cores, load average ${machine.loadAverage.toFixed(2)} when this run started and ` +
    `${loadAtEnd === undefined ? 'not recorded' : loadAtEnd.toFixed(2)} when it ended: other work ran beside it. The columns of a row take turns run by ` +
    'run, so its ratios compare figures measured side by side; absolute times move from run to run, and the pkijs column most, since ' +
    "each WebCrypto call waits for a thread of libuv's pool, and so for a free core. Run it again before believing a small difference.";
  return `# Benchmarks

Generated ${date} by \`${command}\` (tooling/bench/backends.mjs) in ${seconds.toFixed(0)} s (${timeSpent}). Do not edit by hand: run it again.

What one S/MIME operation costs with each backend, measured through \`createSealpost({ backend })\` on whole
messages: the same code path an application takes, so core's MIME work (parsing, canonical form, base64,
policy, chain building) is in every number, not only the backend's CMS. A figure means something only
next to what the hardware can do, so each one is given as a **ratio** to the raw primitives doing the same
cryptographic work, measured in the same run, in turn with it: 1.0× is as fast as the limit, 0.25× four
times slower. The goals are the product's; they are reported here, never asserted by a test.

## Summary

Every figure with a goal or a reference. For throughput (operations, recipients per second) the ratio is
Sealpost's throughput over the raw primitives' (higher is better); for time and memory it is Sealpost's
cost over the reference's (lower is better). Ratios come from medians.

${noise}

${summary}

## How it was measured

- **Backends**, built from each package's \`dist\`: \`createPkijsBackend()\` from its Node entry (the \`node\`
  export condition, what Node applications and the sealpost CLI load: Node's raw RSA for PKCS#1 v1.5 and
  node:crypto digests), and from its portable entry (what browsers and workers load: BigInt RSA, WebCrypto
  digests) for PKCS#1 v1.5 decryption, where the two differ most; \`createForgeBackend()\`;
  \`await createOpensslBackend()\`.
- **Messages**, the same bytes for every backend: a plain-text message with a 10 KiB 7-bit body, and a
  multipart/mixed with a short note and a 1 MiB binary attachment (base64; 1.4 MB in all).
- **Keys** from the test PKI (\`ensureTestPki()\`): RSA-2048, alice signs and bob receives; EC P-256, carol
  signs and receives (ECDH). Ed25519 / X25519: RFC 9216's example keys (tooling/fixtures/vectors/rfc9216),
  carlos signs with Ed25519 and dana receives with X25519, under the LAMPS Ed25519 CA as the only trust
  anchor. ML-DSA-65 / ML-KEM-768 (experimental): an ML-DSA-65 signer and an ML-KEM-768 recipient (keys in
  the seed form) under an ML-DSA-65 test CA, made for the run by core's \`generateTestCa\` and
  \`generateTestIdentity\`. The 1 MiB case uses RSA-2048 and PKCS#1 v1.5 only: at that size the content
  digest and cipher dominate, and the key operation is the one of the 10 KiB case.
- **Operations**: \`sign\` (detached, SHA-256; SHA-512 for Ed25519 and ML-DSA, core's choice); \`verify\` (the
  whole verdict: signature, messageDigest, From address, path to the key set's root as the only trust anchor);
  \`encrypt\` with AES-256-GCM (AuthEnvelopedData) and AES-256-CBC (EnvelopedData), each with RSA PKCS#1 v1.5
  and RSA-OAEP key transport, or ECDH; to X25519 (a KeyAgreeRecipientInfo, \`dhSinglePass-stdDH-sha256kdf-scheme\`)
  and ML-KEM-768 (a KEMRecipientInfo, HKDF-SHA256) with AES-256-GCM; \`decrypt\` of those;
  \`signAndEncrypt\` (AES-256-GCM); \`open\` (decrypt, then verify). Each backend reads what it wrote itself.
- **Timing**: one operation at a time, never two at once. ${settings.text.warmup} warm-up runs and
  ${settings.text.iterations} timed runs per cell for the 10 KiB message, ${settings.attachment.warmup} and ${settings.attachment.iterations} for the 1 MiB one;
  each run is one awaited call between two \`performance.now()\`, and a full garbage collection runs before
  each row. Rows are measured one at a time and the backends and raw primitives of a row take turns run
  by run, so a slow spell of the machine falls on the whole row rather than on one column. Every result is checked outside
  the timed region (a verify must say \`valid\`, a decrypt \`decrypted\`, an open \`valid\`), so no cell
  times a failure. A backend that does not claim an algorithm refuses it with a typed error: "—".
- **A cell** reads \`median / p95 (ops/s) ratio\`: median and 95th percentile (nearest rank) in milliseconds,
  sequential throughput (runs divided by their total time, so the slow tail counts), and in bold the
  throughput as a share of the raw primitives' (the faster raw median over the cell's median).
- **Raw primitives** (tooling/bench/lib/raw.mjs): the cryptographic work of the operation and nothing else,
  once with WebCrypto (\`globalThis.crypto.subtle\`) and once with node:crypto, keys imported once outside
  the timed region; the faster of the two is the limit. They take turns with the backends in the same
  row. \`sign\` is the digest of the message (SHA-256, or SHA-512) plus one signature over ${SIGNED_ATTRIBUTES} bytes (the signed attributes);
  \`verify\` is the digest of the message, the signer's signature over ${SIGNED_ATTRIBUTES} bytes and the CA's signature on
  the signer's certificate (RSA-3072 for the test PKI, Ed25519 for the LAMPS CA, ML-DSA-65); \`encrypt\` is one key
  transport (RSA public operation; an ephemeral ECDH or X25519 key, the X9.63 KDF and AES key wrap; ML-KEM
  encapsulation, HKDF-SHA256 and AES key wrap) and the content cipher over the message;
  \`decrypt\` the same the other way (PKCS#1 v1.5 with Node's raw RSA, \`RSA_NO_PADDING\`, as the sealpost CLI
  runs pkijs); \`signAndEncrypt\` and \`open\` the two in turn. WebCrypto has no RSAES-PKCS1-v1_5, hence "—" in its
  column for those rows. Neither WebCrypto nor node:crypto in Node 20 has ML-KEM or ML-DSA: in those rows the
  node:crypto column calls @noble/post-quantum (the version core runs) for them, with node:crypto for the
  digest, HKDF and AES, and its cell says so; the private key's seed is expanded once, outside the timed region.
  The raw figures leave out the small work Sealpost must also do (parsing, the signed attributes' own DER,
  base64), so a ratio of 1.0× cannot quite be reached; but they check the CA's signature every run, which core
  remembers across messages from the same certificates, so a verify ratio can pass 1.0× where that check is
  dear (ML-DSA).
- **Goals** (throughput as a share of the raw primitives'): ${Object.entries(GOALS)
    .map(([kind, goal]) => `${kind} ≥ ${goal}×`)
    .join(', ')}.
  Other rows have none.
- **send() to many**: ${options.sendRecipients} recipients' certificates (bob's RSA-2048 key under ${options.sendRecipients} certificates issued by the
  test root, made with node:crypto and core's DER writer) in a memory key store; one 10 KiB message with
  every recipient in Bcc; a transport that takes every copy in-process and counts it. A child process
  ${measured.pinned ? 'pinned to one core with `taskset`' : 'on any core (taskset was not found, so it was not pinned)'} calls \`send(message, { cipher: 'aes-256-gcm' })\` through each backend in turn,
  ${options.sendRuns} runs each, with the raw primitives in between: node:crypto (WebCrypto has no PKCS#1 v1.5
  encryption), once SHA-256 and one signature, then per copy two RSA public operations (send() encrypts
  each copy to its recipient and to the sender) and AES-256-GCM over the signed entity. Recipients per
  second from the median run. Goal: at least ${SEND_GOAL} recipients per second per core.
- **The CLI's bulk send**: \`sealpost send --via smtp --bulk rows.csv --template letter.eml --cipher aes-256-gcm
  --no-progress --json\` with ${options.bulkRows} rows, the same 10 KiB letter, a folder key store of ${options.bulkRows} \`.crt\` files,
  against the loopback SMTP server of the CLI's own tests (smtp-server, STARTTLS required, verified with
  \`--smtp-ca\`) running in a child process ${measured.pinned ? 'pinned to the other core' : ''}; the CLI with its default \`--concurrency 4\`,
  ${
    measured.bulk?.workersFlag === undefined
      ? `${measured.pinned ? 'pinned to one core' : 'not pinned'} (it has no \`--workers\` flag yet, so the N-worker row is not measured)`
      : `once with \`${measured.bulk.workersFlag} 1\` (sealing in its main thread)${measured.pinned ? ' pinned to one core' : ''}, once with \`${measured.bulk.workersFlag} ${measured.bulk.workers}\` not pinned (its threads share the cores with the server); the latter is compared with ${measured.bulk.workers}× the one-core raw figure, an ideal`
  },
  a new report and journal each run (the journal is flushed to disk twice per row: this machine's disk is
  in the figure). Wall time from spawn to exit, so Node's start-up (well under a second) is in it;
  ${options.bulkRuns} runs, taking turns. Raw: per row one SHA-256 and one signature (each row is its own message), two RSA
  public operations and AES-256-GCM, node:crypto in this process between the CLI's runs. No goal is set.
- **${options.largeMib} MiB attachment**: the attachment message of the 1 MiB rows with a ${options.largeMib} MiB attachment, and the same
  signed and encrypted to bob by pkijs (the input of every \`open\`). Each backend and operation runs in a
  fresh Node process per run, which times reading the file, the operation and writing the result inside
  the process (Node's start-up is left out) and reports its peak RSS (\`process.resourceUsage().maxRSS\`) and
  its RSS before reading the input. For the openssl backend the largest peak of its own openssl processes
  (${measured.gnuTime ? 'from GNU time around each of them, which adds a fork of about a millisecond to each' : 'not measured: GNU time was not found'}) is added, an upper bound. \`openssl cms\` does the same work on the same files
  (\`-sign -md sha256\`; \`-encrypt -aes-256-gcm\`; \`-decrypt\`, then \`-verify -CAfile\`), timed from spawn to exit
  minus the median time of \`openssl version\` run the same way (once per process), its peak RSS from GNU
  time. ${options.largeRuns} runs, everything in turn. Goals: peak RSS at most ${LARGE_GOALS.rss}× the input message, time at most
  ${LARGE_GOALS.time}× \`openssl cms\`. The peak RSS includes what Node holds before any work (the "RSS added" column
  leaves that out).
- **Starting the CLI**: \`node -e 0\`, \`node apps/sealpost/bin/sealpost.js --help\` and \`... verify --trust ca.crt --in
  signed.eml\` (a 1 KiB message signed by alice, pkijs), in turn, ${options.startupRuns} runs after 2 warm-up rounds, stdout and
  stderr to pipes (not a terminal), wall time from spawn to exit, medians. Goals: \`--help\` at most ${STARTUP_GOALS.help}× and \`verify\` at most ${STARTUP_GOALS.verify}× \`node -e 0\`.

\`node tooling/bench/openssl.mjs [iterations] [contentKiB]\` measures the openssl and pkijs backends alone,
without core's MIME work, as quoted in packages/backend-openssl/README.md.

## Machine

${machineTable(machine)}

${sections.map((s, i) => `## ${s.title}\n\n${i === 0 ? `${noise}\n\n` : ''}${s.table}`).join('\n\n')}
${processStart === undefined ? '' : `\n## Starting openssl\n\nWhat the openssl backend pays before any work, ${settings.text.iterations} runs:\n\n${processStartTable(processStart)}\n`}
## Reading

${reading.join('\n\n')}
`;
}
