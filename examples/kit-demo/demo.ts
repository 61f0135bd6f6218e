/**
 * Demo: the headless client against the test kit in the browser. Every piece of text that comes
 * from the show (titles, chat) is set with textContent: it is never parsed as HTML.
 */
import { createClient, NightmarketError, type Money, type ShowState } from '@nightmarket/client';
import { createTestBackend } from '@nightmarket/testing';
import { setupWorker } from 'msw/browser';

const $ = (id: string): HTMLElement => document.getElementById(id)!;
const backend = createTestBackend({ baseUrl: 'https://shop.example/nightmarket/' });
const show = backend.createShow();
await setupWorker(...backend.handlers).start({ quiet: true, serviceWorker: { url: '/mockServiceWorker.js' } });

const viewer = `viewer-${Math.random().toString(36).slice(2, 8)}`;
const client = createClient({ baseUrl: backend.baseUrl, getToken: () => `${viewer}~You` });
const room = client.join(show.id);
const money = (m: Money, locale: string): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount / 10 ** minorDigits(m.currency));
const minorDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

room.on('status', (status) => ($('connection').textContent = status === 'open' ? '' : `(${status})`));
room.on('purchase', (e) => {
  const product = room.state?.products.find((p) => p.id === e.data.productId);
  $('ticker').textContent = `${e.data.buyer} just bought ${e.data.quantity} × ${product?.title ?? e.data.productId}`;
});

function render(state: ShowState): void {
  const { locale } = state.show;
  $('title').textContent = state.show.title;
  $('status').textContent = state.show.status.toUpperCase();
  $('viewers').textContent = `${new Intl.NumberFormat(locale, { notation: 'compact' }).format(state.viewers)} watching`;
  const pinned = state.products.find((p) => p.id === state.pinned?.productId);
  $('pinned').textContent = pinned ? `${pinned.title} — ${money(pinned.price, locale)}` : '—';
  const list = $('products');
  list.replaceChildren(
    ...state.products.map((p) => {
      const li = document.createElement('li');
      li.append(`${p.title} — ${money(p.price, locale)} `);
      if (p.compareAtPrice) {
        const s = document.createElement('s');
        s.textContent = money(p.compareAtPrice, locale);
        li.append(s);
      }
      return li;
    }),
  );
  const chat = $('chat');
  chat.replaceChildren(
    ...state.chat.slice(-30).map((m) => {
      const li = document.createElement('li');
      const who = document.createElement('span');
      who.className = m.author.role === 'viewer' ? '' : 'host';
      who.textContent = `${m.author.name}: `;
      li.append(who, m.replyTo ? `↪ “${m.replyTo.text}” — ${m.text}` : m.text);
      return li;
    }),
  );
  chat.scrollTop = chat.scrollHeight;
  const poll = state.polls.find((p) => p.status === 'open') ?? state.polls.at(-1);
  $('poll').textContent = poll
    ? `${poll.question} ${poll.options.map((o) => `${o.label}: ${o.votes}`).join(' · ')}${poll.status === 'closed' ? ' (closed)' : ''}`
    : '—';
}

function renderSale(): void {
  const state = room.state;
  const sale = state?.sales.find((s) => s.status !== 'ended') ?? state?.sales.at(-1);
  const button = $('reserve') as HTMLButtonElement;
  if (!state || !sale) {
    $('sale').textContent = '—';
    button.disabled = true;
    return;
  }
  const left = Math.max(0, sale.endsAt - room.serverNow());
  const product = state.products.find((p) => p.id === sale.productId);
  $('sale').textContent =
    `${product?.title ?? sale.productId}: ${money(sale.price, state.show.locale)} — ${sale.unitsLeft}/${sale.units} left — ` +
    (sale.status === 'ended' ? `ended (${sale.endReason ?? ''})` : `${Math.ceil(left / 1000)} s`);
  button.disabled = sale.status !== 'live' || sale.unitsLeft === 0;
  button.dataset['sale'] = sale.id;
}

room.subscribe(render);
setInterval(renderSale, 250);
render(await room.ready);

$('reserve').addEventListener('click', async () => {
  const saleId = ($('reserve') as HTMLButtonElement).dataset['sale']!;
  try {
    const r = await client.reserve(show.id, { saleId, quantity: 1 });
    const order = await client.checkout(show.id, { source: 'reservation', reservationId: r.id });
    $('reserve-result').textContent = order.kind === 'order' ? `Order ${order.order.id} confirmed` : 'Continue to payment';
  } catch (error) {
    $('reserve-result').textContent = error instanceof NightmarketError ? error.detail : String(error);
  }
});
$('chat-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('chat-input') as HTMLInputElement;
  try {
    await client.sendChat(show.id, { text: input.value });
    input.value = '';
    $('chat-error').textContent = '';
  } catch (error) {
    $('chat-error').textContent = error instanceof NightmarketError ? error.detail : String(error);
  }
});

// The scripted show: loops forever, like a host working through the product queue.
const names = ['Mei', 'Jun', 'Ana', 'Tomás', 'Priya', 'Kenji', 'Lea'];
const lines = ['Does it work on carpets?', '能发货到澳门吗？', 'Is it the official store?', 'Black one please!', '🔥🔥🔥', 'How loud is it?'];
for (;;) {
  await show.timeline([
    { at: 0, run: (d) => d.pin('robot-vacuum', { streamTime: Date.now() }) },
    { at: 500, run: (d) => d.setViewers(18_000_000 + Math.floor(Math.random() * 50_000)) },
    ...lines.map((text, i) => ({ at: 800 + i * 900, run: (d: typeof show) => d.viewerSays(names[i % names.length]!, text).catch(() => undefined) })),
    { at: 2000, run: async (d) => {
      const last = d.engine.state.chat.find((m) => m.text === 'Does it work on carpets?');
      if (last) await d.hostSays('Yes — carpets and hard floors, it lifts the mop automatically.', { replyTo: last.id });
    } },
    { at: 3000, run: (d) => d.startSale({ productId: 'robot-vacuum', price: { amount: 199_900, currency: 'CNY' }, units: 50, limitPerBuyer: 2, durationMs: 20_000 }) },
    ...Array.from({ length: 12 }, (_, i) => ({ at: 3500 + i * 1200, run: (d: typeof show) => d.buy(names[i % names.length]!, 'tea-set').catch(() => undefined) })),
    { at: 6000, run: (d) => d.openPoll('Which colour next?', ['White', 'Black', 'Sage green'], { durationMs: 12_000 }) },
    { at: 24_000, run: (d) => d.pin('tea-set', { streamTime: Date.now() }) },
    { at: 30_000, run: () => undefined },
  ]);
}
