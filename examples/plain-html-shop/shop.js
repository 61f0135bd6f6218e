// A shop with its own cart (here kept in the page; a real one would call its cart API), wired to
// <nm-player> with the player's request events: `respondWith` answers with the cart after the
// change, so the player's cart shows the shop's. See docs/wire-your-checkout.md.
const player = document.getElementById('player');
const CURRENCY = 'CNY';
const lines = []; // { id, productId, variantId, title, quantity, unitPrice }
let version = 0;
let orders = 0;

/** This shop's cart in the shape the player shows (the protocol's Cart). */
function cart() {
  const amount = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice.amount, 0);
  return { lines: lines.map((line) => ({ ...line })), subtotal: { amount, currency: CURRENCY }, updatedAt: ++version };
}

function render() {
  const list = document.getElementById('lines');
  list.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = `${line.quantity} × ${line.title}`; // text, never HTML
      return li;
    }),
  );
  const current = cart();
  document.getElementById('count').textContent = String(lines.reduce((n, line) => n + line.quantity, 0));
  document.getElementById('total').textContent = new Intl.NumberFormat('en', { style: 'currency', currency: CURRENCY }).format(current.subtotal.amount / 100);
}

// "Add to cart" in the player: this shop adds it to its own cart (at most 5 of a kind).
player.addEventListener('nm-add-to-cart', (event) => {
  const { product, variantId, quantity } = event.detail;
  event.respondWith(
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, 150)); // a round trip to the shop's cart API
      const variant = product.variants.find((v) => v.id === variantId);
      const existing = lines.find((line) => line.productId === product.id && line.variantId === variantId);
      const next = (existing?.quantity ?? 0) + quantity;
      if (next > 5) throw new Error('Tea House sells at most 5 of a kind per order.'); // shown in the player
      if (existing) existing.quantity = next;
      else lines.push({ id: `line-${lines.length + 1}`, productId: product.id, variantId, title: product.title, quantity, unitPrice: variant?.price ?? product.price });
      render();
      return cart();
    })(),
  );
});

// The player's cart buttons (+, −, remove).
player.addEventListener('nm-update-cart', (event) => {
  const { line, quantity } = event.detail;
  event.respondWith(
    (async () => {
      const index = lines.findIndex((l) => l.id === line.id);
      if (index >= 0 && quantity === 0) lines.splice(index, 1);
      else if (index >= 0) lines[index].quantity = quantity;
      render();
      return cart();
    })(),
  );
});

// Checkout: this shop confirms the order in place (a real one might answer { kind: 'redirect', url }).
player.addEventListener('nm-checkout', (event) => {
  if (event.detail.source !== 'cart') return; // "buy now" and flash sales: the show backend's checkout
  event.respondWith(
    (async () => {
      const total = cart().subtotal;
      const order = {
        id: `tea-${++orders}`,
        showId: 'spring-launch',
        kind: 'purchase',
        status: 'confirmed',
        lines: lines.map(({ productId, variantId, title, quantity, unitPrice }) => ({ productId, variantId, title, quantity, unitPrice })),
        total,
        createdAt: Date.now(),
      };
      lines.length = 0;
      render();
      document.getElementById('message').textContent = `Order ${order.id} confirmed.`;
      return { kind: 'order', order };
    })(),
  );
});

// After a checkout the player reloads its cart: answer with this shop's (now empty) cart.
player.commerce = {
  getCart: async () => cart(),
  addToCart: async () => { throw new Error('handled by the nm-add-to-cart listener'); },
  updateLine: async () => { throw new Error('handled by the nm-update-cart listener'); },
  removeLine: async () => { throw new Error('handled by the nm-update-cart listener'); },
  checkout: async () => { throw new Error('handled by the nm-checkout listener'); },
};
render();
