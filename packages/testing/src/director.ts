/**
 * The show director: scripts a show the way a host and a crowd would — go live, pin products,
 * run flash sales and polls, chat from simulated viewers, buy for real — so a test or a demo page
 * gets a lively show without a backend. Every action goes through the real show engine (admin
 * commands and viewer requests), so what the player sees is what a real backend would send.
 */
import type { AdminCommand, ChatMessage, CommandResult, Money, Order, Product } from '@nightmarket/client';
import type { ShowEngine } from '@nightmarket/engine';
import { Faults } from './faults.js';

/** A flash sale to start with {@link ShowDirector.startSale}. */
export interface SaleScript {
  /** Product on sale. */
  productId: string;
  /** Variant on sale (default: the product's first variant). */
  variantId?: string;
  /** Sale price. */
  price: Money;
  /** Units offered. */
  units: number;
  /** Most units per buyer (default 1). */
  limitPerBuyer?: number;
  /** Start after this many ms (default 0: now). */
  startsInMs?: number;
  /** Length of the sale in ms (default 120000). */
  durationMs?: number;
  /** Reservation hold time in ms (default: the engine's). */
  reservationTtlMs?: number;
}

/** A presale to open with {@link ShowDirector.openPresale}. */
export interface PresaleScript {
  /** Product on presale. */
  productId: string;
  /** Variant (default: the product's first variant). */
  variantId?: string;
  /** Deposit per unit. */
  deposit: Money;
  /** Balance per unit. */
  balance: Money;
  /** Whether deposits can be refunded (default true). */
  refundable?: boolean;
  /** Most deposits in total. */
  units?: number;
  /** Most units per buyer (default 1). */
  limitPerBuyer?: number;
  /** Deposits are taken for this many ms (default 300000). */
  durationMs?: number;
  /** Balance window opens this many ms after the deposits end (default 0) … */
  balanceDueInMs?: number;
  /** … and stays open this long (default 7 days). */
  balanceWindowMs?: number;
}

/** One step of a {@link ShowDirector.timeline}. */
export interface TimelineStep {
  /** Ms after the timeline starts. */
  at: number;
  /** What happens. */
  run: (director: ShowDirector) => unknown;
}

/** A scripted show. Get one from {@link TestBackend.createShow}. */
export class ShowDirector {
  /** The show engine behind this show. */
  readonly engine: ShowEngine;
  /** Faults armed for this show's requests only. */
  readonly faults = new Faults();

  /** @internal Use {@link TestBackend.createShow}. */
  constructor(engine: ShowEngine) {
    this.engine = engine;
  }

  /** The show's id. */
  get id(): string {
    return this.engine.id;
  }

  /** Applies an admin command, exactly as `POST shows/{id}/commands` would. */
  command(command: AdminCommand): Promise<CommandResult> {
    return this.engine.command(command);
  }

  /** Goes live (from scheduled or paused). */
  goLive(): Promise<CommandResult> {
    return this.command({ type: 'show.start' });
  }

  /** Pauses the show ("back soon"). */
  pause(): Promise<CommandResult> {
    return this.command({ type: 'show.pause' });
  }

  /** Ends the show: streams close and new stream requests get 204. */
  end(): Promise<CommandResult> {
    return this.command({ type: 'show.end' });
  }

  /** Pins a product; `streamTime` is the program date-time of the frame the host is on. */
  pin(productId: string, options: { variantId?: string; streamTime?: number | null } = {}): Promise<CommandResult> {
    return this.command({ type: 'product.pin', productId, ...options });
  }

  /** Takes the pin down. */
  unpin(streamTime?: number | null): Promise<CommandResult> {
    return this.command({ type: 'product.unpin', ...(streamTime === undefined ? {} : { streamTime }) });
  }

  /** Adds or replaces a product mid-show. */
  upsertProduct(product: Product): Promise<CommandResult> {
    return this.command({ type: 'product.upsert', product });
  }

  /** Sets a variant's stock (null: untracked). */
  setStock(productId: string, variantId: string, stock: number | null): Promise<CommandResult> {
    return this.command({ type: 'stock.set', productId, variantId, stock });
  }

  /** Starts (or schedules) a flash sale; resolves with the sale id. */
  async startSale(script: SaleScript): Promise<string> {
    const now = this.engine.now();
    const startsAt = now + (script.startsInMs ?? 0);
    const result = await this.command({
      type: 'sale.schedule',
      sale: {
        productId: script.productId,
        variantId: script.variantId ?? this.#firstVariant(script.productId),
        price: script.price,
        units: script.units,
        limitPerBuyer: script.limitPerBuyer ?? 1,
        startsAt,
        endsAt: startsAt + (script.durationMs ?? 120_000),
        ...(script.reservationTtlMs === undefined ? {} : { reservationTtlMs: script.reservationTtlMs }),
      },
    });
    // A sale due now starts on the engine's next tick; make it live at once for scripts.
    this.engine.tick();
    return result.id!;
  }

  /** Ends a flash sale now. */
  endSale(saleId: string): Promise<CommandResult> {
    return this.command({ type: 'sale.end', saleId });
  }

  /** Opens a presale taking deposits; resolves with its id. */
  async openPresale(script: PresaleScript): Promise<string> {
    const now = this.engine.now();
    const endsAt = now + (script.durationMs ?? 300_000);
    const balanceDueFrom = endsAt + (script.balanceDueInMs ?? 0);
    const result = await this.command({
      type: 'presale.open',
      presale: {
        productId: script.productId,
        variantId: script.variantId ?? this.#firstVariant(script.productId),
        deposit: script.deposit,
        balance: script.balance,
        balanceDueFrom,
        balanceDueUntil: balanceDueFrom + (script.balanceWindowMs ?? 7 * 24 * 3_600_000),
        refundable: script.refundable ?? true,
        ...(script.units === undefined ? {} : { units: script.units }),
        limitPerBuyer: script.limitPerBuyer ?? 1,
        endsAt,
      },
    });
    return result.id!;
  }

  /** Stops a presale taking deposits. */
  closePresale(presaleId: string): Promise<CommandResult> {
    return this.command({ type: 'presale.close', presaleId });
  }

  /** Opens a poll; resolves with its id. */
  async openPoll(question: string, options: string[], { durationMs }: { durationMs?: number } = {}): Promise<string> {
    const result = await this.command({
      type: 'poll.open',
      poll: { question, options, ...(durationMs === undefined ? {} : { endsAt: this.engine.now() + durationMs }) },
    });
    return result.id!;
  }

  /** Closes a poll. */
  closePoll(pollId: string): Promise<CommandResult> {
    return this.command({ type: 'poll.close', pollId });
  }

  /** A simulated viewer posts a chat message (subject to the same limits as a real one). */
  viewerSays(name: string, text: string): Promise<ChatMessage> {
    return this.engine.chat(simulatedViewer(name), { text });
  }

  /** The host posts a message, optionally replying to (and quoting) a viewer's message. */
  async hostSays(text: string, options: { replyTo?: string } = {}): Promise<CommandResult> {
    return this.command({ type: 'chat.post', text, ...options });
  }

  /** Removes a chat message for everyone. */
  removeMessage(messageId: string): Promise<CommandResult> {
    return this.command({ type: 'chat.remove', messageId });
  }

  /** Pins a chat message (null unpins). */
  pinMessage(messageId: string | null): Promise<CommandResult> {
    return this.command({ type: 'chat.pin', messageId });
  }

  /** Sets the number of viewers watching. */
  setViewers(count: number): Promise<CommandResult> {
    return this.command({ type: 'viewers.set', count });
  }

  /** Simulated viewers send reactions; they reach players aggregated, as from a real crowd. */
  async react(kind: string, count = 1): Promise<void> {
    for (let sent = 0; sent < count; sent += 50) {
      await this.engine.react(simulatedViewer('crowd'), { kind, count: Math.min(50, count - sent) });
    }
  }

  /** A simulated viewer buys for real (a direct checkout), producing stock and purchase events. */
  async buy(name: string, productId: string, quantity = 1, variantId?: string): Promise<Order> {
    const viewer = simulatedViewer(name);
    const result = await this.engine.checkout(viewer, {
      source: 'items',
      lines: [{ productId, variantId: variantId ?? this.#firstVariant(productId), quantity }],
    });
    if (result.kind !== 'order') throw new Error('The engine answered a checkout with a redirect.');
    return result.order;
  }

  /**
   * Runs steps at their times (ms after the call), in order, with real timers. Resolves when the
   * last step has run; aborting the signal stops the steps not yet run.
   */
  async timeline(steps: readonly TimelineStep[], { signal }: { signal?: AbortSignal } = {}): Promise<void> {
    const start = Date.now();
    for (const step of [...steps].sort((a, b) => a.at - b.at)) {
      if (signal?.aborted) return;
      const wait = start + step.at - Date.now();
      if (wait > 0) await delay(wait, signal);
      if (signal?.aborted) return;
      await step.run(this);
    }
  }

  #firstVariant(productId: string): string {
    const product = this.engine.state.products.find((p) => p.id === productId);
    if (!product) throw new Error(`ShowDirector: the show "${this.id}" has no product "${productId}".`);
    return product.variants[0]!.id;
  }
}

/** A stable simulated viewer for a display name. */
function simulatedViewer(name: string): { id: string; name: string } {
  const id = `sim-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'viewer'}`;
  return { id: id.slice(0, 128), name: name.slice(0, 60) };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    // A long timeline waits thousands of times on one signal: remove the listener each time.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
