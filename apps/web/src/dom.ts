/**
 * DOM building without innerHTML: everything shown comes from an untrusted message, so it only ever
 * becomes text nodes.
 */
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, ...children: readonly (Child | readonly Child[])[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A <dl> from label/value pairs, skipping absent values. */
export function definitions(rows: readonly (readonly [string, Child | readonly Child[]])[]): HTMLDListElement {
  return el(
    'dl',
    {},
    rows.flatMap(([term, value]) => (value === null || value === undefined || value === false ? [] : [el('dt', {}, term), el('dd', {}, value)])),
  );
}

/** The bytes of the first file of a file input, or null. */
export async function firstFile(input: HTMLInputElement): Promise<{ name: string; bytes: Uint8Array } | null> {
  const file = input.files?.[0];
  return file === undefined ? null : { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** Every file of a file input. */
export async function allFiles(input: HTMLInputElement): Promise<{ name: string; bytes: Uint8Array }[]> {
  return Promise.all(Array.from(input.files ?? [], async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
}

/**
 * Drop zones: a file dropped on a `[data-drop]` box goes into the file input inside it, exactly as if it
 * had been chosen with the input (which stays there, labelled, for keyboard and screen-reader users).
 */
export function enableDropZones(root: ParentNode): void {
  for (const zone of root.querySelectorAll<HTMLElement>('[data-drop]')) {
    const input = zone.querySelector<HTMLInputElement>('input[type=file]');
    if (input === null) continue;
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('over');
      const files = event.dataTransfer?.files;
      if (files === undefined || files.length === 0) return;
      input.files = files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }
}
