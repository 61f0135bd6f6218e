/**
 * Catalog helpers shared by the rule modules: finding products and variants in the show state,
 * prices, titles, money arithmetic (integer minor units only) and the masked buyer name.
 */
import type { Money, Product, ShowState, Variant } from '@nightmarket/client';
import { ProblemError } from './problem.js';
import type { Viewer } from './context.js';

/** A product and one of its variants. */
export interface CatalogItem {
  readonly product: Product;
  readonly variant: Variant;
}

export function findItem(state: ShowState, productId: string, variantId: string): CatalogItem | undefined {
  const product = state.products.find((p) => p.id === productId);
  const variant = product?.variants.find((v) => v.id === variantId);
  return product && variant ? { product, variant } : undefined;
}

/** The product and variant, or 404 naming whichever does not exist. */
export function requireItem(state: ShowState, productId: string, variantId: string): CatalogItem {
  const product = state.products.find((p) => p.id === productId);
  if (!product) throw new ProblemError('not-found', `Product "${productId}" is not in this show.`);
  const variant = product.variants.find((v) => v.id === variantId);
  if (!variant) throw new ProblemError('not-found', `Product "${productId}" has no variant "${variantId}".`);
  return { product, variant };
}

/** Price of one unit: the variant's own price, else the product's. */
export function unitPrice({ product, variant }: CatalogItem): Money {
  return variant.price ?? product.price;
}

/** Title of a line: the product, plus the variant when the product has several. */
export function lineTitle({ product, variant }: CatalogItem): string {
  const title = product.variants.length > 1 && variant.title !== product.title ? `${product.title} — ${variant.title}` : product.title;
  return title.slice(0, 400);
}

export function times(price: Money, quantity: number): Money {
  return { amount: price.amount * quantity, currency: price.currency };
}

export function sum(amounts: readonly Money[], currency: string): Money {
  return { amount: amounts.reduce((total, m) => total + m.amount, 0), currency };
}

/** 400 naming `path` when a price is not in the show's currency (carts and orders are in one currency). */
export function checkCurrency(money: Money, currency: string, path: string): void {
  if (money.currency !== currency) {
    throw new ProblemError('invalid-request', `${path}: must be in the show currency ${currency}, not ${money.currency}`, {
      errors: [{ path, message: `must be in the show currency ${currency}` }],
    });
  }
}

/** Whether a variant can be bought at `stock`: tracked stock decides; untracked keeps its flag. */
export function availableAt(variant: Variant, stock: number | null): boolean {
  return stock === null ? variant.available : stock > 0;
}

/** The buyer as purchase events show them: first character of the name and `**` (never personal data). */
export function maskBuyer(viewer: Viewer): string {
  const first = Array.from(viewer.name.trim())[0] ?? Array.from(viewer.id)[0] ?? '?';
  return `${first}**`;
}
