/**
 * The demo shop around the live show. `<nm-player>` plays the show (video, pinned product in
 * sync with the video, products, and the live room: chat with host replies, poll, reactions,
 * purchase ticker, viewer count, cart, buy-now sheet, deposits); the page gives the player its
 * signed-in client, shows the player's cart in its header (`<nm-cart for="player">`), and draws its
 * own catalogue and sale panels with `@nightmarket/client`, buying through the player. Every piece of text that comes from the show is set
 * with textContent: it is never parsed as HTML.
 */
import { createClient, type Money, type Product, type ShowState } from '@nightmarket/client';
import type { NmPlayer } from '@nightmarket/player';

const SHOW = 'spring-launch';
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

// A stable anonymous viewer for this browser; the reference server trusts `<id>~<name>` tokens.
const viewerId = localStorage.getItem('nm-demo-viewer') ?? `shopper-${crypto.randomUUID().slice(0, 8)}`;
localStorage.setItem('nm-demo-viewer', viewerId);
const client = createClient({ baseUrl: new URL('/api/', location.href), getToken: () => `${viewerId}~You` });
const room = client.join(SHOW);

// The player chats and votes as this viewer: give it the client before the elements are defined,
// so that it joins once, with it. (Its chat, reactions and votes go through this client.)
const player = document.getElementById('player') as NmPlayer;
player.client = client;
await import('@nightmarket/player/define');

let locale = navigator.language;
const money = (m: Money): string => {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
  return format.format(m.amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
};
const compact = (n: number): string => new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);

// --- the show ------------------------------------------------------------------------------------

function render(state: ShowState): void {
  locale = state.show.locale;
  $('show-title').textContent = state.show.title;
  $('host').textContent = `with ${state.show.host.name}${state.show.host.verified ? ' ✓' : ''} · ${compact(state.viewers)} watching`;
  renderSale(state);
  renderPresale(state);
  renderProducts(state);
}

const productOf = (state: ShowState, id: string): Product | undefined => state.products.find((p) => p.id === id);

function currentSale(state: ShowState) {
  return state.sales.find((s) => s.status === 'live') ?? state.sales.find((s) => s.status === 'scheduled') ?? state.sales.at(-1);
}

function renderSale(state: ShowState): void {
  const sale = currentSale(state);
  $('sale').hidden = !sale;
  if (!sale) return;
  const product = productOf(state, sale.productId);
  $('sale-title').textContent = product?.title ?? sale.productId;
  $('sale-price').textContent = money(sale.price);
  $('sale-regular').textContent = product ? money(product.price) : '';
  $('sale-bar').style.width = `${(100 * sale.unitsLeft) / sale.units}%`;
  $('sale-left').textContent = sale.unitsLeft === 0 ? 'Sold out' : `${sale.unitsLeft} of ${sale.units} left`;
  $('sale-limit').textContent = `Limit ${sale.limitPerBuyer} per person`;
  const button = $<HTMLButtonElement>('sale-buy');
  button.disabled = sale.status !== 'live' || sale.unitsLeft === 0;
  button.textContent = sale.status === 'ended' ? (sale.endReason === 'sold-out' ? 'Sold out' : 'Sale ended') : 'Buy now';
  tickSale();
}

/** The countdown runs on server time, so it is right whatever the viewer's clock says. */
function tickSale(): void {
  const sale = room.state && currentSale(room.state);
  if (!sale) return;
  const now = room.serverNow();
  const target = sale.status === 'scheduled' ? sale.startsAt : sale.endsAt;
  const seconds = Math.max(0, Math.ceil((target - now) / 1000));
  const mmss = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  $('sale-clock').textContent = sale.status === 'ended' ? 'ended' : sale.status === 'scheduled' ? `starts in ${mmss}` : `ends in ${mmss}`;
}
setInterval(tickSale, 250);

function renderPresale(state: ShowState): void {
  const presale = state.presales.find((p) => p.status === 'open');
  $('presale').hidden = !presale;
  if (!presale) return;
  $('presale-title').textContent = productOf(state, presale.productId)?.title ?? presale.productId;
  $('presale-deposit').textContent = money(presale.deposit);
  $('presale-balance').textContent = money(presale.balance);
  $('presale-count').textContent = `${presale.depositsTaken.toLocaleString(locale)} deposits${presale.units ? ` of ${presale.units.toLocaleString(locale)}` : ''}${presale.refundable ? ' · refundable' : ''}`;
  $('presale-buy').dataset['presale'] = presale.id;
}

let productsKey = '';
function renderProducts(state: ShowState): void {
  const key = JSON.stringify(state.products);
  if (key === productsKey) return;
  productsKey = key;
  $('products').replaceChildren(
    ...state.products.map((p) => {
      const li = el('li');
      const img = el('img');
      img.src = p.images[0]?.url ?? '';
      img.alt = p.images[0]?.alt ?? '';
      img.width = 260;
      img.height = 260;
      const price = el('p', undefined, 'price');
      price.append(el('strong', money(p.price)));
      if (p.compareAtPrice) price.append(' ', el('s', money(p.compareAtPrice)));
      li.append(img, el('h3', p.title), price);
      if (p.badges?.length) li.append(el('p', p.badges.map((b) => `✓ ${b.label}`).join('  '), 'badges'));
      if (p.delivery) {
        const d = p.delivery;
        li.append(el('p', `Delivery in ${d.minDays}–${d.maxDays} days${d.fulfilledBy ? ` by ${d.fulfilledBy}` : ''}${d.freeShipping ? ', free' : ''}`, 'delivery'));
      }
      const available = p.variants.some((v) => v.available);
      const button = el('button', available ? 'Add to cart' : 'Out of stock');
      button.type = 'button';
      button.disabled = !available;
      button.addEventListener('click', () => void addToCart(p.id));
      li.append(button);
      return li;
    }),
  );
}

// --- cart and buying -----------------------------------------------------------------------------
//
// The player's checkout hooks do the buying: this shop uses the show backend's own cart (the
// default; a shop with its own cart would set `player.commerce` or answer the request events, see
// docs/wire-your-checkout.md). The page's buttons ask the player, so every purchase goes through
// the same events, optimistic cart, flash-sale hold and confirmation sheet as the player's own.

function bindCart(): void {
  const cart = player.cart;
  if (!cart || cart === boundCart) return;
  boundCart = cart;
  cart.subscribe((state) => {
    const count = state.cart?.lines.reduce((n, l) => n + l.quantity, 0) ?? 0;
    if ($('cart-count').textContent !== String(count) && count > 0) {
      $('cart-button').animate?.([{ transform: 'scale(1.15)' }, { transform: 'none' }], { duration: matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : 250 });
    }
    $('cart-count').textContent = String(count);
  });
}
let boundCart: typeof player.cart = null;
player.addEventListener('nm-shop-ready', bindCart);
player.addEventListener('nm-state-change', bindCart);

async function addToCart(productId: string): Promise<void> {
  const product = room.state && productOf(room.state, productId);
  const variant = product?.variants.find((v) => v.available);
  if (!product || !variant) return;
  // Errors show in the player (and roll the cart back); nothing to do here.
  await player.addToCart({ product, variantId: variant.id, quantity: 1 }).catch(() => undefined);
}

$('cart-button').addEventListener('click', () => $<HTMLDialogElement>('cart-dialog').showModal());
$('sale-buy').addEventListener('click', () => {
  const sale = room.state && currentSale(room.state);
  const product = sale && room.state && productOf(room.state, sale.productId);
  if (!sale || !product) return;
  // The player holds the unit (nm-reserve), then shows the sheet to confirm.
  void player.buyNow({ product, variantId: sale.variantId, quantity: 1, saleId: sale.status === 'live' ? sale.id : undefined });
});
$('presale-buy').addEventListener('click', async (e) => {
  const presaleId = (e.currentTarget as HTMLElement).dataset['presale'];
  const presale = room.state?.presales.find((p) => p.id === presaleId);
  const product = presale && room.state && productOf(room.state, presale.productId);
  if (!presale || !product) return;
  await player.deposit({ presale, product, quantity: 1 }).catch(() => undefined);
});
// Render at most once per frame, however many events arrive.
room.subscribe(render, { coalesce: 'frame' });
render(await room.ready);
