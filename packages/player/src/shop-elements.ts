/**
 * Defines the shopping elements `<nm-player>` draws inside itself: the product drawer and cards,
 * the cart, the buy-now sheet and the countdown. The player imports this module when a show's
 * state first arrives, so the CDN player starts its video before this code is even fetched;
 * `@nightmarket/player/define` imports it at once. It also carries the player's commerce controller.
 */
import { NmBuySheet } from './buy-sheet.js';
import { NmCart } from './cart.js';
import { NmCountdown } from './countdown.js';
import { NmProductCard } from './product-card.js';
import { NmProductDrawer } from './product-drawer.js';
import { defineElements } from './register.js';

export { CommerceController } from './commerce-controller.js';

/** The tags this module defines. */
export const SHOP_TAGS: readonly string[] = ['nm-product-drawer', 'nm-product-card', 'nm-cart', 'nm-buy-sheet', 'nm-countdown'];

defineElements({
  'nm-product-drawer': NmProductDrawer,
  'nm-product-card': NmProductCard,
  'nm-cart': NmCart,
  'nm-buy-sheet': NmBuySheet,
  'nm-countdown': NmCountdown,
});
