import { css } from 'lit';

/** Styles of `<nm-player>` (beside the shared ones). */
export const playerStyles = css`
  :host {
    display: block;
    position: relative;
    container-type: inline-size;
    color-scheme: light dark;
    --_stage-ratio: var(--nm-player-aspect-ratio, 9 / 16);
    --_max-block: var(--nm-player-max-height, 90vh);
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: grid;
    grid-template-columns: 1fr;
    gap: var(--_space);
    justify-items: center;
  }
  .base.side {
    grid-template-columns: auto minmax(0, auto);
    align-items: start;
    justify-content: center;
  }
  .stage {
    position: relative;
    overflow: hidden;
    aspect-ratio: var(--_stage-ratio);
    block-size: min(var(--_max-block), calc(100cqi / (var(--_stage-ratio))));
    max-inline-size: 100%;
    background: #000;
    color: #fff;
    border-radius: var(--_radius);
  }
  .side .stage {
    block-size: min(var(--_max-block), 720px);
  }
  .side nm-product-drawer {
    display: block;
  }
  .side .panel-host {
    block-size: min(var(--_max-block), 720px);
  }
  :host([mini]) .stage {
    position: fixed;
    inset-block-end: calc(var(--_space) * 2);
    inset-inline-end: calc(var(--_space) * 2);
    block-size: min(320px, 45vh);
    z-index: var(--nm-mini-z-index, 2147483000);
    box-shadow: 0 8px 30px rgb(0 0 0 / 0.35);
  }
  :host([mini]) .base {
    min-block-size: var(--nm-mini-placeholder-height, 0);
  }
  video {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    background: #000;
  }
  .top,
  .bottom {
    position: absolute;
    inset-inline: 0;
    display: flex;
    align-items: center;
    gap: var(--_space);
    padding: var(--_space);
    z-index: 2;
  }
  .top {
    inset-block-start: 0;
    background: linear-gradient(rgb(0 0 0 / 0.45), transparent);
  }
  .bottom {
    inset-block-end: 0;
    flex-direction: column;
    align-items: stretch;
    background: linear-gradient(transparent, rgb(0 0 0 / 0.55));
  }
  .notice {
    position: absolute;
    inset-inline: var(--_space);
    inset-block-start: 56px;
    z-index: 3;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.3);
  }
  .notice .icon {
    background: transparent;
    color: inherit;
  }
  .controls {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
  }
  .spacer {
    flex: 1;
  }
  .icon,
  .products-button,
  .unmute {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
  }
  .icon {
    background: var(--_overlay);
    color: #fff;
    min-inline-size: 40px;
    min-block-size: 40px;
    padding: 0 var(--_space);
    border-radius: 999px;
    font-size: 0.9em;
  }
  .live {
    background: rgb(0 0 0 / 0.5);
    color: #fff;
    font-weight: 700;
    font-size: 0.8em;
    letter-spacing: 0.04em;
    border-radius: 6px;
    min-block-size: 28px;
    padding: 2px 8px;
  }
  .live.at-edge {
    background: var(--_live);
  }
  .host {
    font-weight: 600;
    font-size: 0.9em;
    text-shadow: 0 1px 2px rgb(0 0 0 / 0.6);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .viewers {
    font-size: 0.85em;
    background: rgb(0 0 0 / 0.4);
    padding: 2px 8px;
    border-radius: 999px;
    white-space: nowrap;
  }
  .unmute {
    position: absolute;
    inset-block-start: 56px;
    inset-inline-start: 50%;
    translate: -50% 0;
    z-index: 3;
    background: #fff;
    color: #111;
    font-weight: 700;
    border-radius: 999px;
    box-shadow: 0 2px 12px rgb(0 0 0 / 0.3);
  }
  :host(:dir(rtl)) .unmute {
    translate: 50% 0;
  }
  .screen {
    position: absolute;
    inset: 0;
    z-index: 4;
    display: flex;
    flex-direction: column;
    justify-content: center;
    align-items: center;
    gap: var(--_space);
    padding: calc(var(--_space) * 3);
    text-align: center;
    background: rgb(0 0 0 / 0.72);
    overflow: auto;
  }
  .screen h2 {
    margin: 0;
    font-size: 1.3em;
  }
  .screen p {
    margin: 0;
  }
  .countdown {
    font-size: 2.2em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .preview {
    display: flex;
    gap: var(--_space);
    list-style: none;
    padding: 0;
    margin: var(--_space) 0 0;
    flex-wrap: wrap;
    justify-content: center;
  }
  .preview li {
    inline-size: 72px;
    font-size: 0.75em;
  }
  .preview img {
    inline-size: 72px;
    block-size: 72px;
    object-fit: cover;
    border-radius: 8px;
    display: block;
  }
  .banner {
    position: absolute;
    inset-block-start: 56px;
    inset-inline: var(--_space);
    z-index: 3;
    padding: calc(var(--_space) / 2) var(--_space);
    border-radius: 8px;
    background: rgb(0 0 0 / 0.7);
    text-align: center;
    font-size: 0.9em;
  }
  .spinner {
    position: absolute;
    inset-block-start: calc(50% - 20px);
    inset-inline-start: calc(50% - 20px);
    inline-size: 40px;
    block-size: 40px;
    border-radius: 50%;
    border: 4px solid rgb(255 255 255 / 0.3);
    border-block-start-color: #fff;
    animation: spin 0.9s linear infinite;
    z-index: 2;
  }
  @keyframes spin {
    to {
      rotate: 1turn;
    }
  }
  .pinned {
    color: var(--_text);
    animation: rise 0.25s ease-out;
  }
  .pinned-label {
    font-size: 0.75em;
    font-weight: 700;
    color: #fff;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    margin: 0 0 4px;
  }
  @keyframes rise {
    from {
      opacity: 0;
      translate: 0 12px;
    }
  }
  .products-button {
    background: #fff;
    color: #111;
    font-weight: 700;
    border-radius: 999px;
    min-block-size: 40px;
  }
  .primary-on-dark {
    background: #fff;
    color: #111;
    font-weight: 700;
  }
`;
