/**
 * custom-elements.json (the Custom Elements Manifest: tags, attributes, properties, events,
 * parts, CSS properties — read from the elements' JSDoc) and, from it, VS Code's HTML custom
 * data, so editors complete `<nm-player …>` attributes. Run by scripts/build.mjs:
 * `cem analyze --config custom-elements-manifest.config.mjs` in this folder.
 */
import { readFileSync, writeFileSync } from 'node:fs';

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

/**
 * Module paths as an app imports them. The analyzer names the sources (`src/player.ts`), which are
 * not published; the manifest's `path` is "the JavaScript file needed to be imported". Each element
 * module is its own entry (`@nightmarket/player/nm-player` → `dist/player.js`, from the package.json
 * `exports`); anything else (the events) is imported from the main entry, `dist/index.js`. The
 * elements are defined by `dist/define.js` (`@nightmarket/player/define`), listed as a module
 * whose exports are the `custom-element-definition`s; the element modules define nothing.
 */
function publishedPaths() {
  const { exports } = JSON.parse(readFileSync('package.json', 'utf8'));
  const published = new Map();
  for (const target of Object.values(exports)) {
    const match = /^\.\/dist\/([\w-]+)\.js$/.exec(target?.default ?? '');
    if (match) published.set(`src/${match[1]}.ts`, `dist/${match[1]}.js`);
  }
  const pathOf = (source) => published.get(source) ?? 'dist/index.js';
  const rewrite = (value) => {
    if (Array.isArray(value)) value.forEach(rewrite);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'module' && typeof v === 'string' && v.startsWith('src/')) value[key] = pathOf(v);
        else rewrite(v);
      }
    }
  };
  return {
    name: 'nightmarket-published-paths',
    packageLinkPhase({ customElementsManifest }) {
      const definitions = [];
      for (const mod of customElementsManifest.modules) {
        const path = pathOf(mod.path);
        rewrite(mod);
        mod.path = path;
        for (const d of mod.declarations ?? []) {
          if (d.customElement && d.tagName) definitions.push({ kind: 'custom-element-definition', name: d.tagName, declaration: { name: d.name, module: path } });
        }
      }
      customElementsManifest.modules.push({ kind: 'javascript-module', path: 'dist/define.js', declarations: [], exports: definitions });
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
  globs: [
    'src/player.ts',
    'src/product-card.ts',
    'src/product-drawer.ts',
    'src/cart.ts',
    'src/buy-sheet.ts',
    'src/countdown.ts',
    'src/chat.ts',
    'src/poll.ts',
    'src/reactions.ts',
    'src/purchase-ticker.ts',
    'src/viewer-count.ts',
    'src/events.ts',
    'src/live-events.ts',
  ],
  outdir: '.',
  litelement: true,
  plugins: [dropPrivate(), publishedPaths(), vscodeData()],
};
