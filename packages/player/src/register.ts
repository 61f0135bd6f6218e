/**
 * Defines custom elements the way every Night Market module does: a tag another copy of the
 * player already defined is left alone, with one console warning per page, never an exception.
 */

const WARNED = Symbol.for('@nightmarket/player:warned-duplicate');

/** Defines each tag not yet defined; warns once per page about tags another copy already took. */
export function defineElements(elements: Readonly<Record<string, CustomElementConstructor>>): void {
  if (typeof customElements === 'undefined') return;
  const taken: string[] = [];
  for (const [tag, element] of Object.entries(elements)) {
    const existing = customElements.get(tag);
    if (!existing) customElements.define(tag, element);
    else if (existing !== element) taken.push(`<${tag}>`);
  }
  const page = globalThis as { [WARNED]?: boolean };
  if (taken.length > 0 && !page[WARNED]) {
    page[WARNED] = true;
    console.warn(`@nightmarket/player: ${taken.join(', ')} already defined by another copy of the player on this page; using that one. Load the player once.`);
  }
}
