/**
 * The native modal `<dialog>` that the drawer, the cart and the buy-now sheet each show: a lit
 * reactive controller that keeps the dialog in step with the element's `open` (after every
 * update), closes it through that state on Escape, ignores a stale `close` event, and fires the
 * element's own "closed by the viewer" event.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** An element with an `open` property that shows a `<dialog>` in its shadow root. */
export type DialogHost = ReactiveControllerHost & HTMLElement & { open: boolean; readonly renderRoot: HTMLElement | DocumentFragment };

/** Keeps one element's `<dialog>` modal while the element is open. */
export class ModalDialog implements ReactiveController {
  readonly #host: DialogHost;
  readonly #closedEvent: () => Event;
  readonly #modal: () => boolean;

  /**
   * @param host - the element
   * @param closedEvent - the event it fires when the viewer closes it
   * @param modal - whether it shows as a modal now (default: always)
   */
  constructor(host: DialogHost, closedEvent: () => Event, modal: () => boolean = () => true) {
    this.#host = host;
    this.#closedEvent = closedEvent;
    this.#modal = modal;
    host.addController(this);
  }

  /** Opens or closes the native dialog to match `open` (runs before the element's `updated`). */
  hostUpdated(): void {
    const dialog = this.#host.renderRoot.querySelector('dialog');
    if (!dialog) return;
    const open = this.#modal() && this.#host.open;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }

  /** For the dialog's `cancel` (Escape): close through the element's state, so `open` and the dialog never disagree. */
  readonly cancel = (event: Event): void => {
    event.preventDefault();
    this.close();
  };

  /** For the dialog's `close`: it comes a task later, so it is ignored when the dialog was opened again since. */
  readonly closed = (event: Event): void => {
    if (this.#host.open && !(event.target as HTMLDialogElement).open) this.close();
  };

  /** Closes the element, as the viewer did, and fires its event. */
  readonly close = (): void => {
    if (!this.#host.open) return;
    this.#host.open = false;
    this.#host.dispatchEvent(this.#closedEvent());
  };
}
