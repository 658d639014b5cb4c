import type { SparkPostApiError } from '../errors.js';

/** What a Transmissions answer body says, read defensively: any field may be missing or mistyped. */
export interface ApiAnswer {
  readonly errors: readonly SparkPostApiError[];
  readonly results: TransmissionResults | null;
}

export interface TransmissionResults {
  readonly id: string | null;
  readonly accepted: number;
  readonly rejected: number;
  readonly recipientErrors: readonly SparkPostApiError[];
}

// Bounds on what is copied out of an answer into errors and results.
const MAX_ERRORS = 20;
const MAX_TEXT = 500;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shortText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}...` : value;
  // The documentation shows codes as strings; a number is accepted and kept as its digits.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function readApiErrors(value: unknown): SparkPostApiError[] {
  if (!Array.isArray(value)) return [];
  const out: SparkPostApiError[] = [];
  for (const entry of value.slice(0, MAX_ERRORS)) {
    if (!isRecord(entry)) continue;
    const message = shortText(entry['message']);
    const code = shortText(entry['code']);
    const description = shortText(entry['description']);
    out.push({
      message: message ?? description ?? 'unspecified error',
      ...(code === undefined ? {} : { code }),
      ...(description === undefined ? {} : { description }),
    });
  }
  return out;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

function readResults(value: unknown): TransmissionResults | null {
  if (!isRecord(value)) return null;
  const accepted = count(value['total_accepted_recipients']);
  const rejected = count(value['total_rejected_recipients']);
  if (accepted === null || rejected === null) return null;
  const id = value['id'];
  return {
    id: typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : null,
    accepted,
    rejected,
    recipientErrors: readApiErrors(value['rcpt_to_errors']),
  };
}

/** The answer body as JSON, or an empty answer when it is not JSON (proxies and load balancers send HTML). */
export function readApiAnswer(body: Uint8Array): ApiAnswer {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { errors: [], results: null };
  }
  if (!isRecord(json)) return { errors: [], results: null };
  return { errors: readApiErrors(json['errors']), results: readResults(json['results']) };
}
