/**
 * Admin commands: the host's and producer's actions, validated, applied and turned into events.
 * Show lifecycle and catalog commands are handled here; sales, presales, polls and chat
 * commands are handed to their modules.
 */
import { AdminCommandSchema, type AdminCommand, type CommandResult, type Product, type ShowStatus } from '@nightmarket/client';
import { checkCurrency, requireItem } from './catalog.js';
import type { EngineContext } from './context.js';
import type { Inventory } from './inventory.js';
import type { Presales } from './presales.js';
import { parseBody, ProblemError } from './problem.js';
import type { Sales } from './sales.js';
import { fieldError, type Social } from './social.js';

const parseCommand = (body: unknown) => parseBody(AdminCommandSchema, body);
type Command = ReturnType<typeof parseCommand>;

/** What commands need beyond the rule modules: the engine-level effects. */
export interface CommandDeps {
  readonly sales: Sales;
  readonly presales: Presales;
  readonly social: Social;
  readonly inventory: Inventory;
  /** Ends the show: closes sales, presales and polls, emits show.updated, ends the streams. */
  endShow(): Promise<void>;
  /** The backend reports the viewer count itself from now on. */
  reportViewers(count: number): void;
}

/** Validates and applies one admin command. */
export async function runCommand(ctx: EngineContext, deps: CommandDeps, body: unknown): Promise<CommandResult> {
  const command: Command = parseCommand(body);
  const id = await apply(ctx, deps, command);
  return { seq: ctx.state.seq, ...(id === undefined ? {} : { id }) };
}

async function apply(ctx: EngineContext, deps: CommandDeps, command: Command): Promise<string | undefined> {
  const { state } = ctx;
  switch (command.type) {
    case 'show.update': {
      const patch = command.show;
      if (patch.currency !== undefined && patch.currency !== state.show.currency && state.products.length > 0) {
        throw fieldError('show.currency', `cannot change while the show has products priced in ${state.show.currency}`);
      }
      ctx.emit('show.updated', { ...state.show, ...patch });
      return undefined;
    }
    case 'show.start':
      transition(ctx, 'show.start', ['scheduled', 'paused'], 'live');
      return undefined;
    case 'show.pause':
      transition(ctx, 'show.pause', ['live'], 'paused');
      return undefined;
    case 'show.end':
      if (state.show.status === 'ended') throw notAllowed('show.end', ['scheduled', 'live', 'paused'], 'ended');
      await deps.endShow();
      return undefined;
    case 'product.upsert':
      await upsertProduct(ctx, deps, command.product);
      return undefined;
    case 'product.remove':
      if (!state.products.some((p) => p.id === command.productId)) {
        throw new ProblemError('not-found', `Product "${command.productId}" is not in this show.`);
      }
      ctx.emit('product.removed', { productId: command.productId });
      return undefined;
    case 'product.pin': {
      if (command.variantId === undefined) {
        if (!state.products.some((p) => p.id === command.productId)) {
          throw new ProblemError('not-found', `Product "${command.productId}" is not in this show.`);
        }
      } else {
        requireItem(state, command.productId, command.variantId);
      }
      ctx.emit('product.pinned', {
        productId: command.productId,
        ...(command.variantId === undefined ? {} : { variantId: command.variantId }),
        at: ctx.now(),
        streamTime: command.streamTime ?? null,
      });
      return undefined;
    }
    case 'product.unpin':
      // Nothing pinned: nothing to take down, and no event to send.
      if (state.pinned) ctx.emit('product.unpinned', { productId: state.pinned.productId, streamTime: command.streamTime ?? null });
      return undefined;
    case 'stock.set': {
      requireItem(state, command.productId, command.variantId);
      await ctx.ready();
      const level = await ctx.store.setStock(ctx.showId, command.productId, command.variantId, command.stock);
      deps.inventory.publish({ productId: command.productId, variantId: command.variantId, stock: level });
      return undefined;
    }
    case 'sale.schedule':
      return deps.sales.schedule(command.sale);
    case 'sale.end':
      await deps.sales.end(command.saleId);
      return undefined;
    case 'presale.open':
      return deps.presales.open(command.presale);
    case 'presale.close':
      await deps.presales.close(command.presaleId);
      return undefined;
    case 'poll.open':
      return deps.social.openPoll(command);
    case 'poll.close':
      deps.social.closePoll(command.pollId);
      return undefined;
    case 'chat.post':
      return deps.social.post(command);
    case 'chat.remove':
      deps.social.remove(command.messageId);
      return undefined;
    case 'chat.pin':
      deps.social.pin(command.messageId);
      return undefined;
    case 'viewers.set':
      deps.reportViewers(command.count);
      return undefined;
  }
}

function transition(ctx: EngineContext, name: AdminCommand['type'], from: readonly ShowStatus[], to: ShowStatus): void {
  const { show } = ctx.state;
  if (!from.includes(show.status)) throw notAllowed(name, from, show.status);
  ctx.emit('show.updated', { ...show, status: to });
}

function notAllowed(name: string, from: readonly ShowStatus[], status: ShowStatus): ProblemError {
  return new ProblemError('show-not-live', `${name} needs the show ${from.join(' or ')}; it is ${status}.`);
}

/** Adds or replaces a product; its variants' stock becomes the store's stock. */
async function upsertProduct(ctx: EngineContext, deps: CommandDeps, product: Product): Promise<void> {
  const { currency } = ctx.state.show;
  checkCurrency(product.price, currency, 'product.price.currency');
  if (product.compareAtPrice) checkCurrency(product.compareAtPrice, currency, 'product.compareAtPrice.currency');
  const ids = new Set<string>();
  product.variants.forEach((variant, i) => {
    if (ids.has(variant.id)) throw fieldError(`product.variants.${i}.id`, `duplicate variant id "${variant.id}"`);
    ids.add(variant.id);
    if (variant.price) checkCurrency(variant.price, currency, `product.variants.${i}.price.currency`);
    if (variant.compareAtPrice) checkCurrency(variant.compareAtPrice, currency, `product.variants.${i}.compareAtPrice.currency`);
  });
  await ctx.ready();
  const levels = await Promise.all(product.variants.map((v) => ctx.store.setStock(ctx.showId, product.id, v.id, v.stock)));
  for (const level of levels) deps.inventory.seenStock(level);
  ctx.emit('product.upserted', normalizeProduct(product));
}

/** A tracked variant with no stock cannot be available, whatever the product said. */
export function normalizeProduct(product: Product): Product {
  if (!product.variants.some((v) => v.stock === 0 && v.available)) return product;
  return { ...product, variants: product.variants.map((v) => (v.stock === 0 ? { ...v, available: false } : v)) };
}
