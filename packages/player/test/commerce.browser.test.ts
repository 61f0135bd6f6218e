/// <reference types="mocha" />
/**
 * Commerce in `<nm-player>`, in real Chromium against the test kit (the real show engine behind
 * msw's service worker): the three checkout-hook layers (the backend's own cart, a merchant
 * adapter, the page's DOM events), hooks that hang or throw, double taps, carts across players
 * and reloads, flash sales (server-synced countdown, sold-out for everyone, per-buyer limit,
 * reservation expiry) — each state axe-clean.
 */
import { expect } from '@esm-bundle/chai';
import { createClient, type Cart, type CheckoutResult, type CommerceAdapter, type NightmarketClient } from '@nightmarket/client';
import '@nightmarket/player/define';
import type { NmCart, NmPlayer, NmProductCard } from '@nightmarket/player';
import type { ShowDirector } from '@nightmarket/testing';
import { axeProblems } from './axe.js';
import { addPlayer, BASE, backend, firstCard, part, streamUrl, until, useKit } from './kit.js';

useKit();

const money = (amount: number) => ({ amount, currency: 'CNY' });

function createShow(): ShowDirector {
  return backend.createShow({ show: { stream: { hls: streamUrl(), programDateTime: true } } });
}

function viewer(id: string, options: { now?: () => number } = {}): NightmarketClient {
  return createClient({ baseUrl: BASE, getToken: () => `${id}~${id}`, ...options });
}

/** Mounts a player signed in as `as`; resolves once its state has loaded. */
async function mount(director: ShowDirector, properties: Parameters<typeof addPlayer>[3] = {}, attributes: Record<string, string> = {}): Promise<NmPlayer> {
  const player = addPlayer(director, { layout: 'overlay', muted: '', locale: 'en', ...attributes }, document.body, { client: viewer('ana'), ...properties });
  player.style.width = '360px';
  await until(() => player.state !== null && player.cart !== null, 'the snapshot and the shopping');
  await player.updateComplete;
  return player;
}

/** The card of `productId` in the open drawer. */
async function card(player: NmPlayer, productId: string): Promise<NmProductCard> {
  await firstCard(player);
  const drawer = player.shadowRoot!.querySelector('nm-product-drawer')!;
  const found = [...drawer.shadowRoot!.querySelectorAll('nm-product-card')].find((c) => c.product?.id === productId)!;
  await found.updateComplete;
  return found;
}

const button = (card: NmProductCard, name: string) => card.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${name}"]`)!;
const cartEl = (player: NmPlayer) => player.shadowRoot!.querySelector('nm-cart') as NmCart;
/** Text of a node with the shadow roots inside it, as a viewer reads it. */
function deepText(node: Node | null): string {
  if (!node) return '';
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  const root = (node as Element).shadowRoot;
  return [...(root ?? node).childNodes].map(deepText).join('');
}
const sheetText = (player: NmPlayer) => deepText(player.shadowRoot!.querySelector('nm-buy-sheet')!).replace(/\s+/g, ' ');
const lines = (player: NmPlayer) => (player.cart?.state.cart?.lines ?? []).map((l) => `${l.productId}/${l.variantId}×${l.quantity}`);

async function openCart(player: NmPlayer): Promise<NmCart> {
  await until(() => part(player, 'cart-button') !== null, 'the cart button');
  (part(player, 'cart-button') as HTMLButtonElement).click();
  await player.updateComplete;
  const cart = cartEl(player);
  await cart.updateComplete;
  return cart;
}

const cartButtons = (cart: NmCart, label: RegExp) => [...cart.shadowRoot!.querySelectorAll('button')].filter((b) => label.test(b.getAttribute('aria-label') ?? b.textContent ?? ''));

/** A merchant's own cart (what a Shopify-style cart API keeps), as the page's script would wire it. */
function merchantCart() {
  let cart: Cart = { lines: [], subtotal: money(0), updatedAt: 1 };
  let n = 0;
  const calls: string[] = [];
  const set = (next: Cart['lines']): Cart => {
    cart = { lines: next, subtotal: money(next.reduce((s, l) => s + l.quantity * l.unitPrice.amount, 0)), updatedAt: cart.updatedAt + 1 };
    return cart;
  };
  const adapter: CommerceAdapter = {
    getCart: async () => (calls.push('getCart'), cart),
    addToCart: async (line) => {
      calls.push(`add ${line.productId}`);
      const same = cart.lines.find((l) => l.variantId === line.variantId && l.productId === line.productId);
      return set(
        same
          ? cart.lines.map((l) => (l === same ? { ...l, quantity: l.quantity + line.quantity } : l))
          : [...cart.lines, { id: `m${++n}`, productId: line.productId, variantId: line.variantId, title: `Merchant ${line.productId}`, quantity: line.quantity, unitPrice: money(10_000) }],
      );
    },
    updateLine: async (id, quantity) => (calls.push(`update ${id} ${quantity}`), set(cart.lines.map((l) => (l.id === id ? { ...l, quantity } : l)))),
    removeLine: async (id) => (calls.push(`remove ${id}`), set(cart.lines.filter((l) => l.id !== id))),
    checkout: async (request) => {
      calls.push(`checkout ${request.source}`);
      set([]);
      return { kind: 'redirect', url: 'https://shop.example/pay/42' };
    },
  };
  return { adapter, calls, get cart() { return cart; } };
}

describe('checkout hooks: the backend\'s own cart (default)', () => {
  it('adds, updates, removes and checks out through the protocol, and shows the order', async function () {
    this.timeout(30_000);
    const director = createShow();
    const player = await mount(director);
    button(await card(player, 'tea-set'), 'add-to-cart').click();
    await until(() => lines(player).join() === 'tea-set/default×1' && player.cart!.state.pending.length === 0, 'the added line');
    button(await card(player, 'robot-vacuum'), 'add-to-cart').click();
    await until(() => lines(player).length === 2 && player.cart!.state.pending.length === 0, 'the second line');
    player.closeProducts();
    await player.updateComplete;
    expect(part(player, 'cart-button')!.textContent).to.contain('Cart, 2 items');

    const cart = await openCart(player);
    expect(await axeProblems(player)).to.deep.equal([]);
    cartButtons(cart, /^One more Celadon/)[0]!.click();
    await until(() => lines(player).includes('tea-set/default×2') && player.cart!.state.pending.length === 0, 'the quantity change');
    await cart.updateComplete;
    cartButtons(cart, /^Remove Robot/)[0]!.click();
    await until(() => lines(player).join() === 'tea-set/default×2' && player.cart!.state.pending.length === 0, 'the removal');
    // What the backend holds is what the player shows.
    expect((await viewer('ana').getCart(director.id)).lines.map((l) => `${l.productId}×${l.quantity}`)).to.deep.equal(['tea-set×2']);

    await cart.updateComplete;
    cart.shadowRoot!.querySelector<HTMLButtonElement>('[part="checkout"]')!.click();
    await until(() => sheetText(player).includes('Order placed'), 'the order confirmation');
    expect(sheetText(player)).to.match(/Order \S+ Total ?CN¥376\.00/);
    expect(await axeProblems(player)).to.deep.equal([]);
    await until(() => lines(player).length === 0, 'the emptied cart');
  });
});

describe('checkout hooks: a merchant adapter', () => {
  it('keeps the merchant\'s cart the source of truth, and opens its payment page after the viewer confirms', async function () {
    this.timeout(30_000);
    const shop = merchantCart();
    const director = createShow();
    const player = await mount(director, { commerce: shop.adapter });
    button(await card(player, 'tea-set'), 'add-to-cart').click();
    await until(() => shop.cart.lines.length === 1 && player.cart!.state.pending.length === 0, 'the merchant cart');
    expect(player.cart!.state.cart).to.deep.equal(shop.cart);
    player.closeProducts();
    const cart = await openCart(player);
    expect(cart.shadowRoot!.textContent).to.contain('Merchant tea-set');
    cartButtons(cart, /^One more/)[0]!.click();
    await until(() => shop.cart.lines[0]?.quantity === 2, 'the update');
    await cart.updateComplete;
    cartButtons(cart, /^One fewer/)[0]!.click();
    await until(() => shop.cart.lines[0]?.quantity === 1, 'the decrease');
    await until(() => player.cart!.state.pending.length === 0, 'the answers');
    // A second line, removed again.
    player.openProducts();
    button(await card(player, 'robot-vacuum'), 'add-to-cart').click();
    await until(() => shop.cart.lines.length === 2 && player.cart!.state.pending.length === 0, 'the second line');
    player.closeProducts();
    await openCart(player);
    cartButtons(cart, /^Remove Merchant robot/)[0]!.click();
    await until(() => shop.cart.lines.length === 1 && player.cart!.state.pending.length === 0, 'the removal');
    await cart.updateComplete;
    cart.shadowRoot!.querySelector<HTMLButtonElement>('[part="checkout"]')!.click();
    await until(() => sheetText(player).includes('Continue to payment'), 'the way to payment');
    expect(await axeProblems(player)).to.deep.equal([]);
    const opened: unknown[] = [];
    const open = window.open;
    window.open = (...args: unknown[]) => (opened.push(args), null);
    try {
      player.shadowRoot!.querySelector('nm-buy-sheet')!.shadowRoot!.querySelector<HTMLButtonElement>('[part="pay"]')!.click();
    } finally {
      window.open = open;
    }
    expect(opened).to.deep.equal([['https://shop.example/pay/42', '_blank', 'noopener']]);
    // The show keeps playing in the mini-player while the viewer pays.
    expect(player.mini).to.equal(true);
    expect(shop.calls.filter((c) => !c.startsWith('getCart'))).to.deep.equal(['add tea-set', 'update m1 2', 'update m1 1', 'add robot-vacuum', 'remove m2', 'checkout cart']);
    // Nothing reached the show backend's own cart.
    expect((await viewer('ana').getCart(director.id)).lines).to.deep.equal([]);
  });

  it('merges the merchant\'s catalogue data (hydrateProducts) over the show\'s products', async function () {
    this.timeout(20_000);
    const shop = merchantCart();
    const director = createShow();
    const player = await mount(director, {
      commerce: { ...shop.adapter, hydrateProducts: async () => [{ id: 'tea-set', title: 'Celadon tea set (merchant title)', price: money(16_800) }] },
    });
    const tea = await card(player, 'tea-set');
    await until(() => tea.product?.title === 'Celadon tea set (merchant title)', 'the merchant title');
    await tea.updateComplete;
    expect(tea.shadowRoot!.textContent).to.contain('¥168.00');
  });
});

describe('checkout hooks: DOM events', () => {
  it('lets the page answer with respondWith, or handle it alone with preventDefault', async function () {
    this.timeout(20_000);
    const director = createShow();
    const player = await mount(director);
    const theirs: Cart = { lines: [{ id: 'p1', productId: 'tea-set', variantId: 'default', title: 'Page cart tea', quantity: 3, unitPrice: money(100) }], subtotal: money(300), updatedAt: 5 };
    const seen: string[] = [];
    const respond = (event: Event & { respondWith(r: Promise<Cart>): void; detail: { product: { id: string } } }) => {
      seen.push(event.detail.product.id);
      event.respondWith(new Promise((resolve) => setTimeout(() => resolve(theirs), 50)));
    };
    document.addEventListener('nm-add-to-cart', respond as EventListener);
    try {
      button(await card(player, 'tea-set'), 'add-to-cart').click();
      // Optimistic at once, then the page's cart.
      await until(() => lines(player).join() === 'tea-set/default×1', 'the optimistic line');
      await until(() => lines(player).join() === 'tea-set/default×3', 'the page\'s cart');
    } finally {
      document.removeEventListener('nm-add-to-cart', respond as EventListener);
    }
    expect(seen).to.deep.equal(['tea-set']);

    // The page's cart answers the cart's buttons and its checkout too.
    const updates: string[] = [];
    const onUpdate = (event: Event) => {
      const e = event as Event & { detail: { line: { id: string; quantity: number }; quantity: number }; respondWith(r: Promise<Cart>): void };
      updates.push(`${e.detail.line.id}→${e.detail.quantity}`);
      const lines = e.detail.quantity === 0 ? [] : [{ ...theirs.lines[0]!, quantity: e.detail.quantity }];
      e.respondWith(Promise.resolve({ lines, subtotal: money(lines.reduce((n, l) => n + l.quantity * 100, 0)), updatedAt: 6 + updates.length }));
    };
    const onCheckout = (event: Event) =>
      (event as Event & { respondWith(r: Promise<CheckoutResult>): void }).respondWith(Promise.resolve({ kind: 'redirect', url: 'https://shop.example/page-checkout' }));
    player.addEventListener('nm-update-cart', onUpdate);
    player.addEventListener('nm-checkout', onCheckout);
    try {
      player.closeProducts();
      const cart = await openCart(player);
      cartButtons(cart, /^One fewer/)[0]!.click();
      await until(() => lines(player).join() === 'tea-set/default×2', 'the decrease');
      await cart.updateComplete;
      cart.shadowRoot!.querySelector<HTMLButtonElement>('[part="checkout"]')!.click();
      await until(() => sheetText(player).includes('Continue to payment'), 'the page\'s checkout');
      player.shadowRoot!.querySelector('nm-buy-sheet')!.shadowRoot!.querySelector<HTMLButtonElement>('[part="close"]')!.click();
      await openCart(player);
      await cart.updateComplete;
      cartButtons(cart, /^Remove/)[0]!.click();
      await until(() => lines(player).length === 0, 'the removal');
    } finally {
      player.removeEventListener('nm-update-cart', onUpdate);
      player.removeEventListener('nm-checkout', onCheckout);
    }
    expect(updates).to.deep.equal(['p1→2', 'p1→0']);
    // Nothing of it reached the show backend's cart.
    expect((await viewer('ana').getCart(director.id)).lines).to.deep.equal([]);

    // preventDefault alone: the page handled it; the player sends nothing.
    const handled = (event: Event) => event.preventDefault();
    player.addEventListener('nm-add-to-cart', handled);
    button(await card(player, 'robot-vacuum'), 'add-to-cart').click();
    expect(player.cart!.state.pending).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    player.removeEventListener('nm-add-to-cart', handled);
    expect(lines(player)).to.deep.equal([]);
    expect((await viewer('ana').getCart(director.id)).lines).to.deep.equal([]);

    // respondWith outside the listener is refused with what to do.
    let late: Event | undefined;
    const keep = (event: Event) => {
      late = event;
      event.preventDefault();
    };
    player.addEventListener('nm-checkout', keep);
    await player.checkout({ source: 'cart' });
    player.removeEventListener('nm-checkout', keep);
    expect(() => (late as unknown as { respondWith(r: unknown): void }).respondWith(null)).to.throw(/must be called synchronously inside the event listener/);
  });

  it('gives up a hook that never answers with a clear message, and rolls back one that throws', async function () {
    this.timeout(20_000);
    const director = createShow();
    const shop = merchantCart();
    const player = await mount(director, { commerceTimeout: 400 }, {});
    const hang = (event: Event) => (event as unknown as { respondWith(p: Promise<never>): void }).respondWith(new Promise<never>(() => undefined));
    player.addEventListener('nm-add-to-cart', hang);
    const errors: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      button(await card(player, 'tea-set'), 'add-to-cart').click();
      await until(() => lines(player).length === 1, 'the optimistic line');
      player.closeProducts();
      await until(() => part(player, 'notice') !== null, 'the notice');
    } finally {
      console.error = consoleError;
      player.removeEventListener('nm-add-to-cart', hang);
    }
    expect(part(player, 'notice')!.textContent).to.contain('The shop did not answer in time. Nothing was changed; please try again.');
    expect(lines(player)).to.deep.equal([]);
    expect(String(errors[0])).to.contain('did not settle within 400 ms');
    expect(await axeProblems(player)).to.deep.equal([]);
    (part(player, 'notice')!.querySelector('button') as HTMLButtonElement).click();
    await player.updateComplete;
    expect(part(player, 'notice')).to.equal(null);

    // A throwing adapter: the change rolls back and the hook's own words are shown.
    const before = player.cart;
    player.commerce = { ...shop.adapter, addToCart: async () => { throw new Error('Only 2 per customer, sorry.'); } };
    await until(() => player.cart !== before && player.cart?.state.loading === false, 'the new cart');
    button(await card(player, 'robot-vacuum'), 'add-to-cart').click();
    player.closeProducts();
    await until(() => part(player, 'notice') !== null, 'the notice');
    expect(part(player, 'notice')!.textContent).to.contain('Only 2 per customer, sorry.');
    expect(lines(player)).to.deep.equal([]);
  });

  it('sends one request for a double tap', async function () {
    this.timeout(20_000);
    const shop = merchantCart();
    const director = createShow();
    const player = await mount(director, { commerce: shop.adapter });
    const add = button(await card(player, 'tea-set'), 'add-to-cart');
    add.click();
    add.click();
    await until(() => player.cart!.state.pending.length === 0 && shop.cart.lines.length === 1, 'the answer');
    expect(shop.calls.filter((c) => c.startsWith('add'))).to.deep.equal(['add tea-set']);
    expect(shop.cart.lines[0]!.quantity).to.equal(1);
  });
});

describe('carts across players and reloads', () => {
  it('shows a change made in one player in another of the same shop at once, and keeps the cart across a reload', async function () {
    this.timeout(20_000);
    const director = createShow();
    const first = await mount(director);
    const second = await mount(director);
    button(await card(first, 'tea-set'), 'add-to-cart').click();
    await until(() => lines(second).join() === 'tea-set/default×1', 'the other player\'s cart');
    // The page says its own cart changed: the player reloads it.
    await viewer('ana').addToCart(director.id, { productId: 'robot-vacuum', variantId: 'white', quantity: 1 });
    document.dispatchEvent(new Event('nm-cart-changed'));
    await until(() => lines(second).length === 2, 'the reloaded cart');
    // A reload (a new player) draws the kept cart before the backend answers.
    backend.faults.delay(1000, 'commerce');
    const third = addPlayer(director, { layout: 'overlay', muted: '' }, document.body, { client: viewer('ana') });
    await until(() => third.cart !== null, 'the new player\'s cart');
    expect(lines(third)).to.have.length(2);
    backend.faults.delay(0);
  });
});

describe('flash sales', () => {
  it('counts down on the server\'s clock even when the viewer\'s clock is off by an hour either way', async function () {
    this.timeout(20_000);
    const director = createShow();
    await director.startSale({ productId: 'robot-vacuum', variantId: 'white', price: money(199_900), units: 100, durationMs: 90_000 });
    for (const skew of [3_600_000, -3_600_000]) {
      const player = await mount(director, { client: viewer(`skew${skew}`, { now: () => Date.now() + skew }) });
      const vacuum = await card(player, 'robot-vacuum');
      const countdown = vacuum.shadowRoot!.querySelector('nm-countdown')!;
      await countdown.updateComplete;
      const sale = player.state!.sales[0]!;
      const truth = sale.endsAt - director.engine.now();
      expect(Math.abs(countdown.remaining - truth), `remaining ${countdown.remaining} vs ${truth} with skew ${skew}`).to.be.below(250);
      expect(countdown.shadowRoot!.textContent).to.match(/Ends in 1:(2\d|30)/);
      player.remove();
    }
  });

  it('announces the time left at thresholds, not every second', async function () {
    this.timeout(10_000);
    const countdown = document.createElement('nm-countdown');
    let now = 1_000_000;
    countdown.now = () => now;
    countdown.until = now + 12_000;
    document.body.append(countdown);
    try {
      await countdown.updateComplete;
      const spoken = () => countdown.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent;
      const timer = () => countdown.shadowRoot!.querySelector('[role="timer"]')!;
      expect(timer().textContent).to.equal('Ends in 0:12');
      expect(timer().getAttribute('aria-live')).to.equal('off');
      expect(spoken()).to.equal('');
      now += 1500; // 10.5 s left: the 10 s threshold is not crossed yet
      await until(() => timer().textContent === 'Ends in 0:11', 'the next second');
      expect(spoken()).to.equal('');
      now += 1000; // 9.5 s left
      await until(() => timer().textContent === 'Ends in 0:10', 'the tick');
      expect(spoken()).to.equal('Ends in 0:10');
      const ended = new Promise((resolve) => countdown.addEventListener('nm-countdown-end', resolve, { once: true }));
      now += 10_000;
      await ended;
      expect(timer().textContent).to.equal('Ends in 0:00');
    } finally {
      countdown.remove();
    }
  });

  it('sells exactly the units it has to 1,000 buyers, and every player shows sold out', async function () {
    this.timeout(60_000);
    const director = createShow();
    const saleId = await director.startSale({ productId: 'robot-vacuum', variantId: 'white', price: money(199_900), units: 100, limitPerBuyer: 1, durationMs: 600_000 });
    const players = await Promise.all([1, 2, 3].map(() => mount(director)));
    let orders = 0;
    const buyers = Array.from({ length: 1000 }, (_, i) => viewer(`buyer${i}`));
    await Promise.all(
      buyers.map(async (buyer) => {
        try {
          const held = await buyer.reserve(director.id, { saleId, quantity: 1 });
          const result: CheckoutResult = await buyer.checkout(director.id, { source: 'reservation', reservationId: held.id });
          if (result.kind === 'order') orders++;
        } catch {
          // sold out, sale ended: expected for 900 of them
        }
      }),
    );
    expect(orders).to.equal(100);
    // Exactly 100 units left the warehouse, and the sale ended sold out.
    const snapshot = director.engine.snapshot();
    expect(snapshot.products.find((p) => p.id === 'robot-vacuum')!.variants.find((v) => v.id === 'white')!.stock).to.equal(20_000 - 100);
    expect(snapshot.sales.find((s) => s.id === saleId)).to.include({ unitsLeft: 0, status: 'ended', endReason: 'sold-out' });
    for (const player of players) {
      await until(() => player.state!.sales.find((s) => s.id === saleId)?.status === 'ended', 'the sale to end for every player');
      await player.updateComplete;
      // Every viewer's card says so, and no longer offers the sale price.
      const vacuum = await card(player, 'robot-vacuum');
      expect(vacuum.shadowRoot!.querySelector('[part~="sale"]')!.textContent!.replace(/\s+/g, ' ')).to.contain('Flash sale · Sold out');
      expect(vacuum.shadowRoot!.querySelector('[part~="price"]')!.textContent).to.contain('2,499.00');
    }
  });

  it('holds units on "buy now", enforces the per-buyer limit, and gives expired holds back', async function () {
    this.timeout(30_000);
    const director = createShow();
    const saleId = await director.startSale({ productId: 'robot-vacuum', variantId: 'white', price: money(199_900), units: 5, limitPerBuyer: 1, reservationTtlMs: 1500, durationMs: 600_000 });
    const player = await mount(director);
    button(await card(player, 'robot-vacuum'), 'buy-now').click();
    await until(() => sheetText(player).includes('Held for you for'), 'the hold');
    expect(sheetText(player)).to.contain('¥1,999.00');
    expect(player.state!.sales[0]!.unitsLeft).to.be.oneOf([4, 5]);
    await until(() => player.state!.sales[0]!.unitsLeft === 4, 'the held unit');
    expect(await axeProblems(player)).to.deep.equal([]);
    // The hold expires: the unit goes back to the sale for everyone.
    await until(() => player.state!.sales[0]!.unitsLeft === 5, 'the unit back', 10_000);
    // Buy one for real, then the limit refuses a second.
    const sheet = player.shadowRoot!.querySelector('nm-buy-sheet')!;
    sheet.shadowRoot!.querySelector<HTMLButtonElement>('[part="close"]')!.click();
    await player.updateComplete;
    const held = await viewer('ana').reserve(director.id, { saleId, quantity: 1 });
    await viewer('ana').checkout(director.id, { source: 'reservation', reservationId: held.id });
    button(await card(player, 'robot-vacuum'), 'buy-now').click();
    await until(() => sheetText(player).includes('You already have as many as one buyer may get in this sale.'), 'the limit message');
  });
});

describe('presales with deposits', () => {
  it('shows the terms before paying, gives a receipt, takes the balance when its window opens, and refunds', async function () {
    this.timeout(40_000);
    const director = createShow();
    await director.openPresale({
      productId: 'rocket-launch',
      deposit: money(100_000_000),
      balance: money(3_900_000_000),
      durationMs: 2500,
      balanceDueInMs: 0,
      refundable: true,
      limitPerBuyer: 2,
    });
    const player = await mount(director);
    const sheet = () => player.shadowRoot!.querySelector('nm-buy-sheet')!;
    const payDeposit = async (): Promise<string> => {
      const rocket = await card(player, 'rocket-launch');
      expect(deepText(rocket).replace(/\s+/g, ' ')).to.match(/Presale.*Deposit CN¥1,000,000\.00 now, balance CN¥39,000,000\.00 between/);
      button(rocket, 'deposit').click();
      await until(() => sheetText(player).includes('The deposit is refundable until you pay the balance.'), 'the terms before paying');
      expect(await axeProblems(player)).to.deep.equal([]);
      sheet().shadowRoot!.querySelector<HTMLButtonElement>('[part="confirm"]')!.click();
      await until(() => sheetText(player).includes('Deposit paid'), 'the receipt');
      const id = /Order (\S+)/.exec(sheetText(player))![1]!;
      sheet().shadowRoot!.querySelector<HTMLButtonElement>('[part="close"]')!.click();
      await player.updateComplete;
      return id;
    };
    const first = await payDeposit();
    const second = await payDeposit();
    expect((await viewer('ana').getOrder(director.id, first)).status).to.equal('deposit-paid');

    player.closeProducts();
    const cart = await openCart(player);
    const receipts = () => [...cart.shadowRoot!.querySelectorAll('[part="deposit"]')];
    await until(() => receipts().length === 2, 'both receipts in the cart');
    await cart.updateComplete;
    const payButton = () => receipts()[0]!.querySelector<HTMLButtonElement>('[part="pay-balance"]')!;
    expect(payButton().disabled, 'the balance window is not open yet').to.equal(true);
    expect(await axeProblems(player)).to.deep.equal([]);
    // The window opens when the presale ends: the cart enables the button by itself.
    await until(() => payButton() !== null && !payButton().disabled, 'the balance window', 10_000);
    payButton().click();
    await until(() => receipts()[0]!.textContent!.includes('Paid in full'), 'the balance paid').catch((error: Error) => {
      throw new Error(`${error.message}; the cart says: ${cart.shadowRoot!.textContent!.replace(/\s+/g, ' ')}`);
    });
    receipts()[1]!.querySelector<HTMLButtonElement>('[part="refund"]')!.click();
    await until(() => receipts()[1]!.textContent!.includes('Refunded'), 'the refund');
    expect((await viewer('ana').getOrder(director.id, first)).status).to.equal('paid');
    expect((await viewer('ana').getOrder(director.id, second)).status).to.equal('refunded');
  });
});
