import { css } from 'lit';

/** Styles of `<nm-chat>` (beside the shared ones). */
export const chatStyles = css`
  :host {
    display: block;
    --_host-color: var(--nm-chat-host-color, #fde68a);
    font-size: 0.9em;
    block-size: 320px;
  }
  :host([variant='overlay']) {
    block-size: auto;
  }
  :host([hidden]) {
    display: none;
  }
  .base {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) / 2);
    block-size: 100%;
    position: relative;
  }
  p {
    margin: 0;
  }
  /* Scrolls from the bottom: the newest message stays in view with no script, and the size is
     fixed (contain: strict), so new messages lay out the list and nothing around it. */
  .messages {
    flex: 1 1 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    display: flex;
    flex-direction: column-reverse;
    min-block-size: 3em;
    contain: strict;
  }
  .list {
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding: 2px;
  }
  :host([variant='overlay']) .messages {
    flex: 0 0 var(--nm-chat-max-height, 200px);
    scrollbar-width: none;
  }
  .messages:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .message {
    overflow-wrap: anywhere;
    line-height: 1.35;
  }
  :host([variant='overlay']) .message,
  :host([variant='overlay']) .pinned {
    align-self: flex-start;
    max-inline-size: 100%;
    background: rgb(0 0 0 / 0.35);
    border-radius: 10px;
    padding: 3px 8px;
    color: #fff;
    text-shadow: 0 1px 2px rgb(0 0 0 / 0.5);
  }
  .author {
    font-weight: 600;
    color: var(--_muted);
  }
  :host([variant='overlay']) .author {
    color: rgb(255 255 255 / 0.8);
  }
  .host .author,
  .moderator .author {
    color: var(--_accent);
  }
  :host([variant='overlay']) .host,
  :host([variant='overlay']) .moderator {
    background: rgb(0 0 0 / 0.55);
    box-shadow: inset 3px 0 0 var(--_host-color);
  }
  :host([variant='overlay']) .host .author,
  :host([variant='overlay']) .moderator .author,
  :host([variant='overlay']) .host .text {
    color: var(--_host-color);
  }
  .badge,
  .pin-label {
    display: inline-block;
    font-size: 0.75em;
    font-weight: 700;
    padding: 0 5px;
    margin-inline-end: 4px;
    border-radius: 4px;
    background: var(--_accent);
    color: var(--_on-accent);
    vertical-align: 1px;
  }
  .pin-label {
    background: var(--_muted);
    color: #fff;
  }
  .quote {
    font-size: 0.85em;
    opacity: 0.8;
    border-inline-start: 2px solid currentColor;
    padding-inline-start: 6px;
    margin-block-end: 2px;
  }
  .pinned {
    border: 1px solid color-mix(in srgb, var(--_muted) 40%, transparent);
    border-radius: 8px;
    padding: 4px 8px;
  }
  .mention {
    display: inline-flex;
    align-items: center;
    padding: 0 2px;
    margin: 0;
    background: none;
    color: inherit;
    font-weight: 600;
    text-decoration: underline;
    text-underline-offset: 2px;
    border-radius: 4px;
    min-block-size: 24px;
    vertical-align: middle;
  }
  .new {
    position: absolute;
    inset-block-end: 5.5em;
    inset-inline-start: 50%;
    translate: -50% 0;
    background: var(--_accent);
    color: var(--_on-accent);
    border-radius: 999px;
    font-weight: 600;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
  }
  :host(:dir(rtl)) .new {
    translate: 50% 0;
  }
  .form {
    display: flex;
    gap: calc(var(--_space) / 2);
  }
  input {
    flex: 1;
    min-inline-size: 0;
    font: inherit;
    min-block-size: 36px;
    padding: 0 12px;
    border-radius: 999px;
    border: 1px solid color-mix(in srgb, var(--_muted) 50%, transparent);
    background: var(--_surface);
    color: var(--_text);
  }
  :host([variant='overlay']) input {
    background: rgb(0 0 0 / 0.45);
    border-color: rgb(255 255 255 / 0.35);
    color: #fff;
  }
  :host([variant='overlay']) input::placeholder {
    color: rgb(255 255 255 / 0.75);
  }
  input:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 1px;
  }
  .send {
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
    border-radius: 999px;
  }
  .status {
    font-size: 0.85em;
    min-block-size: 0;
  }
  :host([variant='overlay']) .status {
    color: #fff;
    text-shadow: 0 1px 2px rgb(0 0 0 / 0.7);
  }
`;
