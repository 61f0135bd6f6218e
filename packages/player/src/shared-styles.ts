/**
 * Styles every Night Market element shares: the public design tokens (`--nm-*`, each with its
 * default here) mapped to private ones (`--_*`), buttons with 24 px minimum targets and a visible
 * focus ring, the visually-hidden utility, and reduced motion.
 */
import { css } from 'lit';

/** The shared styles; each element lists them first in `static styles`. */
export const sharedStyles = css`
  :host {
    --_accent: var(--nm-color-accent, #e11d48);
    --_on-accent: var(--nm-color-on-accent, #ffffff);
    --_surface: var(--nm-color-surface, #ffffff);
    --_text: var(--nm-color-text, #18181b);
    --_muted: var(--nm-color-muted, #52525b);
    --_overlay: var(--nm-color-overlay, rgb(0 0 0 / 0.55));
    --_live: var(--nm-color-live, #dc2626);
    --_focus: var(--nm-color-focus, #2563eb);
    --_radius: var(--nm-radius, 12px);
    --_space: var(--nm-space, 8px);
    --_font: var(--nm-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    font-family: var(--_font);
    color: var(--_text);
  }
  button {
    font: inherit;
    min-block-size: 24px;
    min-inline-size: 24px;
    cursor: pointer;
    border: 0;
    border-radius: calc(var(--_radius) / 1.5);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
  }
  button:focus-visible,
  select:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .primary {
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  .secondary {
    background: transparent;
    color: inherit;
    box-shadow: inset 0 0 0 2px currentColor;
    font-weight: 600;
  }
  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0.01ms !important;
      animation-iteration-count: 1 !important;
      transition-duration: 0.01ms !important;
    }
  }
`;

/** Whether a URL from the server may be used as a link or image: http(s) only, never `javascript:` or `data:`. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, typeof document === 'undefined' ? 'http://localhost/' : document.baseURI);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
