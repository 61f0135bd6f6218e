/**
 * custom-elements.json (the Custom Elements Manifest: tags, attributes, properties, events,
 * parts, CSS properties — read from the elements' JSDoc) and, from it, VS Code's HTML custom
 * data, so editors complete `<nm-player …>` attributes. Run by scripts/build.mjs:
 * `cem analyze --config custom-elements-manifest.config.mjs` in this folder.
 */
import { writeFileSync } from 'node:fs';

/** Private reactive state (`_state`…) is an implementation detail, not an attribute or a property. */
function dropPrivate() {
  return {
    name: 'nightmarket-drop-private',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !a.name.startsWith('_') && !a.fieldName?.startsWith('_'));
          if (declaration.members) declaration.members = declaration.members.filter((m) => !m.name.startsWith('_') && !m.name.startsWith('#') && m.privacy !== 'private');
          // The analyzer also guesses event names from constructor arguments; ours all start with nm-.
          if (declaration.events) declaration.events = declaration.events.filter((e) => e.name?.startsWith('nm-'));
        }
      }
    },
  };
}

/** Writes vscode.html-custom-data.json (https://github.com/microsoft/vscode-custom-data) from the manifest. */
function vscodeData() {
  return {
    name: 'nightmarket-vscode-data',
    packageLinkPhase({ customElementsManifest }) {
      const tags = [];
      for (const mod of customElementsManifest.modules) {
        for (const d of mod.declarations ?? []) {
          if (!d.customElement || !d.tagName) continue;
          tags.push({
            name: d.tagName,
            description: d.summary ?? d.description ?? '',
            attributes: (d.attributes ?? []).map((a) => ({
              name: a.name,
              description: a.description ?? '',
              ...(a.type?.text?.includes("'") ? { values: [...a.type.text.matchAll(/'([^']+)'/g)].map((m) => ({ name: m[1] })) } : {}),
            })),
          });
        }
      }
      writeFileSync('vscode.html-custom-data.json', `${JSON.stringify({ version: 1.1, tags }, null, 2)}\n`);
    },
  };
}

export default {
  globs: ['src/player.ts', 'src/product-card.ts', 'src/product-drawer.ts', 'src/events.ts'],
  outdir: '.',
  litelement: true,
  plugins: [dropPrivate(), vscodeData()],
};
