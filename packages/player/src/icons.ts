/**
 * The player's icons: inline SVG (no icon font, no emoji — both render differently or not at
 * all across systems), `aria-hidden` because every button carries its own label.
 */
import { svg, type SVGTemplateResult } from 'lit';

const icon = (path: SVGTemplateResult) =>
  svg`<svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;

/** Icons by name. */
export const icons = {
  play: icon(svg`<path d="M7 4v16l13-8z" fill="currentColor" stroke="none"/>`),
  pause: icon(svg`<path d="M7 4h3v16H7zM14 4h3v16h-3z" fill="currentColor" stroke="none"/>`),
  soundOn: icon(svg`<path d="M4 9v6h4l5 4V5L8 9zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12"/>`),
  soundOff: icon(svg`<path d="M4 9v6h4l5 4V5L8 9zM17 9l5 6M22 9l-5 6"/>`),
  pictureInPicture: icon(svg`<rect x="3" y="5" width="18" height="14" rx="2"/><rect x="12" y="11" width="7" height="6" rx="1" fill="currentColor"/>`),
  captions: icon(svg`<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M10 10.5a2 2 0 1 0 0 3M17 10.5a2 2 0 1 0 0 3"/>`),
  bag: icon(svg`<path d="M5 8h14l-1 12H6zM9 8V6a3 3 0 0 1 6 0v2"/>`),
  cart: icon(svg`<path d="M3 4h2l2.5 11h10L20 8H6.5"/><circle cx="9" cy="19" r="1.5"/><circle cx="17" cy="19" r="1.5"/>`),
  close: icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`),
} as const;
