import { basename, extname } from 'node:path';
import { readFileArg } from '../io.js';
import type { Attachment } from './compose.js';

/** Types for the files people attach most; anything else goes as application/octet-stream. */
const TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ics': 'text/calendar',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function contentTypeFor(filename: string): string {
  return TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream';
}

/** Every `--attach FILE`, read whole; always sent base64-encoded. */
export async function readAttachments(paths: readonly string[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const path of paths) {
    const filename = basename(path);
    out.push({ filename, contentType: contentTypeFor(filename), bytes: await readFileArg(path, 'attachment') });
  }
  return out;
}
