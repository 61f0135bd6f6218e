/// <reference types="mocha" />
/**
 * `<nm-player>` in real Chromium against the test kit (msw's service worker serves the protocol
 * from the real show engine) and the simulated live HLS stream the test runner serves at
 * /streams/<id>/live.m3u8 (EXT-X-PROGRAM-DATE-TIME on every segment).
 */
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { Show } from '@nightmarket/client';
import '@nightmarket/player/define';
import type { NmPlayer, NmVideoErrorEvent } from '@nightmarket/player';
import type { ShowDirector } from '@nightmarket/testing';
import { axeProblems } from './axe.js';
import { addPlayer, backend, firstCard, part, streamUrl, until, useKit } from './kit.js';

useKit();

function createShow(show: Partial<Show> = {}): ShowDirector {
  return backend.createShow({ show: { stream: { hls: streamUrl(), programDateTime: true }, ...show } });
}

/** Mounts a player for `show`; resolves once its state has loaded. */
async function mount(director: ShowDirector, attributes: Record<string, string> = {}): Promise<NmPlayer> {
  const player = addPlayer(director, { layout: 'overlay', autoplay: '', muted: '', ...attributes });
  player.style.width = '360px';
  await until(() => player.state !== null, 'the snapshot');
  await player.updateComplete;
  return player;
}

const shadow = (player: NmPlayer) => player.shadowRoot!;
const text = (player: NmPlayer) => shadow(player).textContent!.replace(/\s+/g, ' ');

// --- tests -------------------------------------------------------------------------------------

describe('<nm-player>: show states', () => {
  it('renders the waiting room, live, paused and ended states, each axe-clean', async function () {
    this.timeout(30_000);
    const director = createShow({ status: 'scheduled', startsAt: Date.now() + 2 * 3_600_000, replay: { hls: streamUrl() } });
    const player = await mount(director, { locale: 'en' });

    // Waiting room: title, host, countdown from server time, calendar, products preview.
    expect(text(player)).to.match(/Starts in 1:59:\d\d|Starts in 2:00:00/);
    expect(text(player)).to.contain('Hosted by Lin');
    expect(part(player, 'calendar')?.textContent).to.contain('Add to calendar');
    expect(part(player, 'preview')!.querySelectorAll('li').length).to.be.greaterThan(0);
    expect(player.video!.hidden).to.equal(true);
    expect(await axeProblems(player)).to.deep.equal([]);

    // Live: the video plays, the LIVE badge shows.
    await director.goLive();
    await until(() => player.videoStatus === 'playing', 'the video to play');
    await player.updateComplete;
    expect(part(player, 'live-badge')?.textContent).to.contain('LIVE');
    expect(part(player, 'screen')).to.equal(null);
    expect(await axeProblems(player)).to.deep.equal([]);

    // Paused: "back soon".
    await director.pause();
    await until(() => player.state?.show.status === 'paused', 'the pause');
    await player.updateComplete;
    expect(part(player, 'screen')?.textContent).to.contain('Back soon');
    expect(await axeProblems(player)).to.deep.equal([]);

    // Ended: thank-you and the replay, which plays the recording.
    await director.goLive();
    await director.end();
    await until(() => player.state?.show.status === 'ended', 'the end');
    await player.updateComplete;
    expect(part(player, 'screen')?.textContent).to.contain('Thanks for watching');
    expect(await axeProblems(player)).to.deep.equal([]);
    (part(player, 'replay') as HTMLButtonElement).click();
    await until(() => player.videoStatus === 'playing', 'the replay to play');
  });

  it('shows "Reconnecting…" while the event stream is down, and recovers', async function () {
    this.timeout(20_000);
    const director = createShow({ stream: { hls: 'https://video.example/none.m3u8' } });
    // The snapshot loads; the event stream fails twice (503) before it connects.
    backend.faults.failNext('stream', 2, 503);
    const player = await mount(director, { locale: 'en' });
    await until(() => part(player, 'banner') !== null, 'the reconnecting banner');
    expect(part(player, 'banner')!.textContent).to.contain('Reconnecting');
    expect(await axeProblems(player)).to.deep.equal([]);
    await until(() => player.room?.status === 'open', 'the reconnection', 15_000);
    await player.updateComplete;
    expect(part(player, 'banner')).to.equal(null);
  });

  it('shows a clear error with a retry button when the show cannot be loaded', async () => {
    const player = addPlayer({ id: 'no-such-show' } as ShowDirector, { locale: 'en' });
    await until(() => part(player, 'retry') !== null, 'the error screen');
    expect(part(player, 'screen')!.textContent).to.contain('This show could not be loaded.');
    expect(await axeProblems(player)).to.deep.equal([]);
  });
});

describe('<nm-player>: pinned product in sync with the video', () => {
  it('holds a pin until the playhead reaches its stream time, then shows it within a frame or two', async function () {
    this.timeout(30_000);
    const director = createShow();
    const player = await mount(director, { locale: 'en' });
    await until(() => player.streamTime !== null, 'program date-time on screen', 15_000);
    expect(player.playback).to.equal('hls.js'); // Chromium's native HLS has no getStartDate()

    const pinAt = player.streamTime! + 2500;
    await director.pin('robot-vacuum', { streamTime: pinAt });
    await until(() => player.state?.pinned?.productId === 'robot-vacuum', 'the pin event');
    // The event is here, the video is not there yet.
    expect(player.pinnedProduct).to.equal(null);
    await player.updateComplete;
    expect(part(player, 'pinned')).to.equal(null);

    let seenAt: number | null = null;
    await until(() => {
      if (player.pinnedProduct) seenAt ??= player.streamTime;
      return player.pinnedProduct !== null;
    }, 'the pin to show', 10_000);
    expect(seenAt).to.be.at.least(pinAt);
    expect(seenAt! - pinAt).to.be.below(250);
    await player.updateComplete;
    expect(part(player, 'pinned')!.textContent).to.contain('Now showing');

    // An unpin at stream time likewise waits for the video; a pin without stream time shows at once.
    await director.unpin(player.streamTime! + 1500);
    await until(() => player.state?.pinned === null, 'the unpin event');
    expect(player.pinnedProduct?.id).to.equal('robot-vacuum');
    await until(() => player.pinnedProduct === null, 'the unpin to show', 8000);
    await director.pin('tea-set', { streamTime: null });
    await until(() => player.pinnedProduct?.id === 'tea-set', 'the untimed pin', 3000);
  });

  it('shows pins on arrival when the stream has no program date-time', async () => {
    const director = createShow({ stream: { hls: streamUrl(), programDateTime: false } });
    const player = await mount(director, { locale: 'en' });
    await director.pin('robot-vacuum', { streamTime: Date.now() + 60_000 });
    await until(() => player.pinnedProduct?.id === 'robot-vacuum', 'the pin', 3000);
  });
});

describe('<nm-player>: products', () => {
  it('opens the drawer from the keyboard, closes it with Escape and returns focus to its button', async () => {
    const director = createShow({ stream: { hls: 'https://video.example/none.m3u8' } });
    const player = await mount(director, { locale: 'en' });
    const button = part(player, 'products-button') as HTMLButtonElement;
    expect(button.textContent).to.match(/\d+ products/);
    button.focus();
    await sendKeys({ press: 'Enter' });
    const drawer = shadow(player).querySelector('nm-product-drawer')!;
    await until(() => drawer.shadowRoot?.querySelector('dialog')?.open === true, 'the dialog to open');
    expect(drawer.shadowRoot!.activeElement?.getAttribute('part')).to.equal('close');
    expect(await axeProblems(player)).to.deep.equal([]);
    await sendKeys({ press: 'Escape' });
    await until(() => drawer.shadowRoot?.querySelector('dialog')?.open === false, 'the dialog to close');
    await until(() => shadow(player).activeElement === button, 'focus back on the products button');
  });

  it('fires add-to-cart and buy-now request events with the product and variant', async () => {
    const director = createShow({ stream: { hls: 'https://video.example/none.m3u8' } });
    const player = await mount(director, { locale: 'en' });
    const card = await firstCard(player);
    const seen: string[] = [];
    player.addEventListener('nm-add-to-cart', (e) => seen.push(`cart ${e.detail.product.id}/${e.detail.variantId} ×${e.detail.quantity}`));
    player.addEventListener('nm-buy-now', (e) => seen.push(`buy ${e.detail.product.id}/${e.detail.variantId}`));
    (card.shadowRoot!.querySelector('[part~="add-to-cart"]') as HTMLButtonElement).click();
    (card.shadowRoot!.querySelector('[part~="buy-now"]') as HTMLButtonElement).click();
    const product = player.state!.products[0]!;
    const variant = product.variants.find((v) => v.available)!;
    // Fired from the player once its shopping has loaded (at once when it has).
    await until(() => seen.length === 2, 'both request events');
    expect(seen).to.deep.equal([`cart ${product.id}/${variant.id} ×1`, `buy ${product.id}/${variant.id}`]);
  });

  it('renders untrusted text as text', async () => {
    const director = createShow({ title: '<img src=x onerror=alert(1)>', stream: { hls: 'https://video.example/none.m3u8' } });
    const player = await mount(director, { locale: 'en' });
    await director.upsertProduct({ ...player.state!.products[0]!, title: '<b>bold</b><script>alert(1)</script>' });
    await until(() => player.state!.products[0]!.title.startsWith('<b>'), 'the product update');
    const card = await firstCard(player);
    expect(card.shadowRoot!.querySelector('b, script')).to.equal(null);
    expect(card.shadowRoot!.querySelector('[part~="title"]')!.textContent).to.equal('<b>bold</b><script>alert(1)</script>');
    expect(shadow(player).querySelector('img[src="x"]')).to.equal(null);
  });
});

describe('<nm-player>: locale', () => {
  it('switches strings and money formats with the locale attribute', async () => {
    const director = createShow({ stream: { hls: 'https://video.example/none.m3u8' } });
    const player = await mount(director, { locale: 'en' });
    const product = player.state!.products[0]!;
    const price = (locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: product.price.currency }).format(0).replace(/[\d.,\s\u00a0]/g, '');
    expect(part(player, 'products-button')!.textContent).to.match(/products/);

    // Languages other than English load on demand, then the player draws again.
    player.locale = 'zh-CN';
    await until(() => /\d+ 件商品/.test(part(player, 'products-button')!.textContent!), 'the Chinese messages');
    const card = await firstCard(player);
    expect(card.shadowRoot!.querySelector('[part~="add-to-cart"]')!.textContent).to.equal('加入购物车');
    expect(card.shadowRoot!.querySelector('[part~="price"]')!.textContent).to.contain(price('zh-CN'));

    player.locale = 'pt-BR';
    await until(() => /\d+ produtos/.test(part(player, 'products-button')!.textContent!), 'the Portuguese messages');
    await player.shadowRoot!.querySelector('nm-product-drawer')!.updateComplete;
    await card.updateComplete;
    expect(part(player, 'products-button')!.textContent).to.match(/\d+ produtos/);
    expect(card.shadowRoot!.querySelector('[part~="add-to-cart"]')!.textContent).to.equal('Adicionar ao carrinho');
    const formatted = card.shadowRoot!.querySelector('[part~="price"]')!.textContent!;
    expect(formatted).to.match(/\d,\d\d/); // Portuguese decimal comma
    expect(shadow(player).querySelector('[part~="base"]')!.getAttribute('lang')).to.equal('pt-BR');
  });

  it('lays out right-to-left for a right-to-left locale', async () => {
    const director = createShow({ stream: { hls: 'https://video.example/none.m3u8' } });
    const player = await mount(director, { locale: 'ar-EG' });
    const base = shadow(player).querySelector<HTMLElement>('[part~="base"]')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    // Logical properties: the products button sits at the inline end, which is the left in RTL.
    const stage = part(player, 'stage')!.getBoundingClientRect();
    const button = part(player, 'products-button')!.getBoundingClientRect();
    expect(button.left - stage.left).to.be.below(stage.right - button.right);
    expect(await axeProblems(player)).to.deep.equal([]);
  });

  it('follows the page language when there is no locale attribute', async () => {
    const director = createShow({ stream: { hls: 'https://video.example/none.m3u8' } });
    const wrapper = document.createElement('div');
    wrapper.lang = 'ko';
    document.body.append(wrapper);
    const player = addPlayer(director, { layout: 'overlay' }, wrapper);
    await until(() => player.state !== null, 'the snapshot');
    await until(() => /상품 \d+개/.test(part(player, 'products-button')?.textContent ?? ''), 'the Korean messages');
    wrapper.remove();
  });
});
