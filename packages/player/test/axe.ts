/**
 * axe-core in the browser tests: serious and critical accessibility violations inside an element
 * (shadow DOM included). axe ships as a classic script, so it is loaded with a script tag.
 */
interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

let loaded: Promise<void> | undefined;

/** Serious and critical violations inside `element`, one readable line each (empty: clean). */
export async function axeProblems(element: Element): Promise<string[]> {
  loaded ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('axe-core did not load'));
    document.head.append(script);
  });
  await loaded;
  const axe = (window as unknown as { axe: { run(context: Element, options: object): Promise<AxeResult> } }).axe;
  const result = await axe.run(element, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}
