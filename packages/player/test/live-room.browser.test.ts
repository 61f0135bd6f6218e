/// <reference types="mocha" />
/**
 * The live room (chat, polls, reactions, purchase ticker, viewer count) in real Chromium, inside
 * `<nm-player>` against the test kit (the real show engine behind msw), and standalone.
 */
import { expect } from '@esm-bundle/chai';
import { emulateMedia } from '@web/test-runner-commands';
import { createClient, type Room } from '@nightmarket/client';
import '@nightmarket/player/define';
import {
  loadCatalogue,
  Localizer,
  NmChatSendEvent,
  type NmChat,
  type NmPlayer,
  type NmPoll,
  type NmPurchaseTicker,
  type NmReactEvent,
  type NmReactions,
  type NmViewerCount,
  type NmVoteEvent,
} from '@nightmarket/player';
import type { ShowDirector } from '@nightmarket/testing';
import { axeProblems } from './axe.js';
import { BASE, backend, until, useKit } from './kit.js';

useKit();

const mounted: HTMLElement[] = [];
afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
});

/** A player for a live show, with a signed-in viewer (`viewer-1`, "Ana") so it can chat and vote. */
async function mountLive(attributes: Record<string, string> = {}, width = 360): Promise<{ player: NmPlayer; director: ShowDirector }> {
  // No video needed here: a stream URL that fails at once keeps the tests about the live room.
  const director = backend.createShow({ show: { stream: { hls: 'https://video.example/none.m3u8' } } });
  const player = document.createElement('nm-player');
  player.client = createClient({ baseUrl: BASE, getToken: () => 'viewer-1~Ana' });
  for (const [name, value] of Object.entries({ show: director.id, layout: 'overlay', locale: 'en', ...attributes })) player.setAttribute(name, value);
  player.style.width = `${width}px`;
  document.body.append(player);
  mounted.push(player);
  await until(() => player.state !== null, 'the snapshot');
  await until(() => !!player.shadowRoot!.querySelector('nm-chat'), 'the live room to load');
  await until(() => player.room?.status === 'open', 'the event stream');
  return { player, director };
}

const inPlayer = <K extends keyof HTMLElementTagNameMap>(player: NmPlayer, tag: K): HTMLElementTagNameMap[K] =>
  player.shadowRoot!.querySelector(tag)!;
const shadow = (element: Element) => element.shadowRoot!;
const messagesOf = (chat: NmChat) => [...shadow(chat).querySelectorAll<HTMLElement>('[part~="message"]')];
const lastMessage = (chat: NmChat) => messagesOf(chat).at(-1);

async function type(chat: NmChat, text: string): Promise<void> {
  const input = shadow(chat).querySelector('input')!;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  shadow(chat).querySelector<HTMLButtonElement>('[part="send"]')!.click();
  await chat.updateComplete;
}

describe('<nm-chat> in the player', () => {
  it('receives messages, sets host replies apart, pins, removes, and sends', async () => {
    const { player, director } = await mountLive();
    const chat = inPlayer(player, 'nm-chat');
    expect(chat.variant).to.equal('overlay');
    const question = await director.viewerSays('Mei', 'Does the Robot vacuum X2 climb carpets? 🧹 地毯可以吗？');
    await director.hostSays('Yes, up to 2 cm, Mei!', { replyTo: question.id });
    await until(() => messagesOf(chat).length === 2, 'two messages');

    const [viewer, host] = messagesOf(chat);
    expect(viewer!.getAttribute('part')).to.equal('message');
    expect(viewer!.querySelector('[part="author"]')!.textContent).to.equal('Mei');
    // Emoji and CJK come through untouched; the product's short title is a button to the product.
    expect(viewer!.querySelector('[part="text"]')!.textContent).to.equal('Does the Robot vacuum X2 climb carpets? 🧹 地毯可以吗？');
    const mention = viewer!.querySelector<HTMLButtonElement>('[part="mention"]')!;
    expect(mention.textContent).to.equal('Robot vacuum X2');
    let clicked = '';
    player.addEventListener('nm-product-click', (e) => (clicked = e.detail.product.id), { once: true });
    mention.click();
    expect(clicked).to.equal('robot-vacuum');

    // The host's reply: its own part, a "Host" badge (not colour alone) and the quoted question.
    expect(host!.getAttribute('part')).to.equal('message host-message');
    expect(host!.querySelector('[part="role-badge"]')!.textContent).to.equal('Host');
    expect(host!.querySelector('[part="quote"]')!.textContent).to.contain('Replying to Mei: Does the Robot vacuum X2 climb carpets?');
    expect(getComputedStyle(host!).backgroundColor).to.not.equal(getComputedStyle(viewer!).backgroundColor);

    // Pinned by the host, then removed by a moderator: gone for everyone, pin included.
    await director.pinMessage(question.id);
    await until(() => !!shadow(chat).querySelector('[part="pinned-message"]'), 'the pinned message');
    expect(shadow(chat).querySelector('[part="pinned-message"]')!.textContent).to.contain('Pinned');
    await director.removeMessage(question.id);
    await until(() => messagesOf(chat).length === 1, 'the removal');
    expect(shadow(chat).querySelector('[part="pinned-message"]')).to.equal(null);
    // Its text goes from the host's quote too.
    expect(shadow(chat).textContent).to.not.contain('climb carpets');
    expect(host!.querySelector('[part="quote"]')!.textContent).to.equal('Replying to Mei');

    // Sending: the page sees nm-chat-send from the player; the player posts it; it comes back in the log.
    const seen: string[] = [];
    player.addEventListener('nm-chat-send', (e) => seen.push(e.detail.text));
    await type(chat, '  Is there a black one?  ');
    await until(() => lastMessage(chat)?.textContent?.includes('Is there a black one?') ?? false, 'my message');
    expect(seen).to.deep.equal(['Is there a black one?']);
    expect(lastMessage(chat)!.querySelector('[part="author"]')!.textContent).to.equal('Ana');
    expect(shadow(chat).querySelector('input')!.value).to.equal('');
    expect(director.engine.state.chat.at(-1)?.author.id).to.equal('viewer-1');
    expect(await axeProblems(player)).to.deep.equal([]);
  });

  it('shows the 429 Retry-After as a countdown and keeps the text', async function () {
    this.timeout(20_000);
    const { player } = await mountLive();
    const chat = inPlayer(player, 'nm-chat');
    // The engine allows 5 messages per 10 s per viewer.
    for (let i = 1; i <= 5; i++) {
      await type(chat, `message ${i}`);
      await until(() => shadow(chat).querySelector('input')!.value === '', `message ${i} to be sent`);
    }
    await type(chat, 'one too many');
    const status = () => shadow(chat).querySelector('[part="status"]')!.textContent!;
    await until(() => /Slow down/.test(status()), 'the rate-limit countdown');
    const first = Number(/in (\d+) second/.exec(status())![1]);
    expect(first).to.be.within(1, 10);
    expect(shadow(chat).querySelector<HTMLButtonElement>('[part="send"]')!.disabled).to.equal(true);
    expect(shadow(chat).querySelector('input')!.value).to.equal('one too many');
    // It counts down, once a second.
    await until(() => Number(/in (\d+) second/.exec(status())?.[1] ?? first) < first, 'the countdown to tick', 3000);
    expect(await axeProblems(player)).to.deep.equal([]);
  });

  it('lets the page answer nm-chat-send itself (preventDefault + respondWith)', async () => {
    const { player, director } = await mountLive();
    const chat = inPlayer(player, 'nm-chat');
    player.addEventListener('nm-chat-send', (e) => {
      e.respondWith(Promise.reject(Object.assign(new Error('rate-limited'), { type: 'rate-limited', retryAfter: 3 })));
    });
    await type(chat, 'handled by the page');
    await until(() => /Slow down/.test(shadow(chat).querySelector('[part="status"]')!.textContent!), 'the page’s answer');
    expect(shadow(chat).querySelector('[part="status"]')!.textContent).to.contain('3 seconds');
    expect(director.engine.state.chat.length).to.equal(0); // the player did not post it
  });

  it('renders an XSS corpus as inert text', async function () {
    this.timeout(20_000);
    const { player, director } = await mountLive();
    const chat = inPlayer(player, 'nm-chat');
    const corpus = [
      '<script>window.__pwned = 1</script>',
      '<img src=x onerror="window.__pwned = 2">',
      '"><svg onload=window.__pwned=3>',
      'javascript:window.__pwned=4',
      '<a href="javascript:window.__pwned=5">click</a>',
      '{{constructor.constructor("window.__pwned=6")()}}',
      'invoice\u202Egnp.exe',
      '\u2066isolate\u2069 \u202Aembed\u202C',
    ];
    for (const [i, text] of corpus.entries()) await director.viewerSays(i === 0 ? '<b onmouseover=alert(1)>Eve</b>\u202E' : `V${i}`, text);
    await until(() => messagesOf(chat).length === corpus.length, 'the corpus');
    const root = shadow(chat);
    expect(root.querySelectorAll('script, img, svg:not([aria-hidden]), a, iframe, b').length).to.equal(0);
    for (const element of root.querySelectorAll('*')) {
      for (const attribute of element.getAttributeNames()) expect(attribute.startsWith('on'), `${element.tagName} ${attribute}`).to.equal(false);
    }
    const texts = messagesOf(chat).map((m) => m.querySelector('[part="text"]')!.textContent);
    expect(texts.slice(0, 6)).to.deep.equal(corpus.slice(0, 6));
    // Bidi controls are dropped: "invoice‮gnp.exe" cannot pass for "invoiceexe.png".
    expect(texts[6]).to.equal('invoicegnp.exe');
    expect(texts[7]).to.equal('isolate embed');
    expect(root.textContent).to.not.match(/[\u202A-\u202E\u2066-\u2069]/);
    // Names and texts are isolated from the text around them.
    expect(messagesOf(chat)[0]!.querySelector('[part="author"]')!.tagName).to.equal('BDI');
    expect(messagesOf(chat)[0]!.querySelector('[part="author"]')!.textContent).to.equal('<b onmouseover=alert(1)>Eve</b>');
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('keeps a bounded DOM, and holds still while the reader is scrolled up', async function () {
    this.timeout(20_000);
    const { player, director } = await mountLive({ layout: 'side' }, 900);
    const chat = inPlayer(player, 'nm-chat');
    expect(chat.variant).to.equal('panel');
    for (let i = 0; i < 120; i++) await director.viewerSays(`V${i}`, `message ${i}`);
    await until(() => lastMessage(chat)?.textContent?.includes('message 119') ?? false, 'the newest message');
    expect(messagesOf(chat).length).to.equal(50);
    const list = shadow(chat).querySelector<HTMLElement>('[part="messages"]')!;
    expect(list.getAttribute('role')).to.equal('log');
    // It scrolls from the bottom (column-reverse): 0 is the newest.
    expect(list.scrollTop).to.equal(0);
    expect(list.scrollHeight).to.be.greaterThan(list.clientHeight);

    // The reader scrolls up: what they read stays put, a button counts what arrives.
    list.scrollTop = -list.scrollHeight;
    await until(() => !chat.following, 'the list to hold');
    const firstShown = messagesOf(chat)[0]!.textContent;
    for (let i = 120; i < 125; i++) await director.viewerSays(`V${i}`, `message ${i}`);
    await until(() => !!shadow(chat).querySelector('[part="new-messages"]')?.textContent?.includes('5 new messages'), 'the new-messages button');
    expect(messagesOf(chat)[0]!.textContent).to.equal(firstShown);
    expect(list.scrollTop).to.be.closeTo(list.clientHeight - list.scrollHeight, 1.5);
    expect(await axeProblems(player)).to.deep.equal([]);
    shadow(chat).querySelector<HTMLButtonElement>('[part="new-messages"]')!.click();
    await until(() => chat.following && (lastMessage(chat)?.textContent?.includes('message 124') ?? false), 'following again');
    expect(messagesOf(chat).length).to.equal(50);
  });
});

describe('<nm-poll> in the player', () => {
  it('takes one vote, updates the tallies live, and shows the final result', async () => {
    const { player, director } = await mountLive();
    const pollId = await director.openPoll('Which colour next?', ['White', 'Black', 'Green']);
    const poll = inPlayer(player, 'nm-poll');
    await until(() => !poll.hidden && shadow(poll).querySelectorAll('button[part="option"]').length === 3, 'the poll');
    expect(shadow(poll).querySelector('[part="question"]')!.textContent).to.contain('Which colour next?');
    expect(await axeProblems(player)).to.deep.equal([]);

    const votes: string[] = [];
    player.addEventListener('nm-vote', (e: NmVoteEvent) => votes.push(e.detail.optionId));
    shadow(poll).querySelectorAll<HTMLButtonElement>('button[part="option"]')[1]!.click();
    await poll.updateComplete;
    // Voted once: no buttons left to vote again.
    expect(shadow(poll).querySelectorAll('button[part="option"]').length).to.equal(0);
    await until(() => director.engine.state.polls[0]!.totalVotes === 1, 'the vote to count');
    expect(votes).to.deep.equal(['o2']);
    expect(poll.votedFor(pollId)).to.equal('o2');

    // Another viewer votes: the tallies move.
    await director.engine.vote({ id: 'sim-bo', name: 'Bo' }, pollId, { optionId: 'o1' });
    await until(() => shadow(poll).querySelector('[part="summary"]')!.textContent!.includes('2 votes'), 'the new tally');
    const shares = [...shadow(poll).querySelectorAll('[part="share"]')].map((s) => s.textContent);
    expect(shares).to.deep.equal(['50%', '50%', '0%']);
    const bar = shadow(poll).querySelector<HTMLElement>('[part="bar"]')!;
    expect(bar.style.getPropertyValue('--_share')).to.equal('0.5');
    expect(bar.getAttribute('style')).to.equal('--_share: 0.5;'); // set through the CSSOM

    await director.closePoll(pollId);
    await until(() => shadow(poll).querySelector('[part="summary"]')!.textContent!.includes('Final result'), 'the final result');
    expect(await axeProblems(player)).to.deep.equal([]);
  });
});

describe('<nm-purchase-ticker>', () => {
  it('shows one notice at a time, at most one per interval, the newest purchase next', async function () {
    this.timeout(15_000);
    const { player, director } = await mountLive();
    const ticker = inPlayer(player, 'nm-purchase-ticker');
    ticker.interval = 600;
    for (let i = 0; i < 12; i++) await director.buy(`Lin${i} from Hangzhou`, 'tea-set', 1 + (i % 2));
    await until(() => ticker.shownCount === 1, 'the first notice');
    expect(ticker.notice).to.match(/^L.* just bought (2 × )?Celadon tea set, 6 cups$/);
    expect(ticker.notice).to.not.match(/Lin\d/); // masked by the server
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ticker.shownCount).to.equal(1);
    // After the interval, the newest purchase replaces it, and the eleven in between are skipped.
    await until(() => ticker.shownCount === 2, 'the second notice', 2000);
    expect(ticker.notice).to.match(/just bought 2 × Celadon tea set/);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(ticker.shownCount).to.equal(2);
    // The polite announcement is not repeated within announce-every.
    const live = shadow(ticker).querySelector('[role="status"]')!;
    expect(live.textContent).to.match(/just bought Celadon tea set|just bought 1 × /);
  });
});

describe('<nm-reactions>', () => {
  afterEach(() => emulateMedia({ reducedMotion: 'no-preference' }));

  it('sends taps together, and draws the crowd’s reactions with capped particles', async function () {
    this.timeout(15_000);
    const { player, director } = await mountLive();
    const reactions = inPlayer(player, 'nm-reactions');
    const sent: number[] = [];
    player.addEventListener('nm-react', (e: NmReactEvent) => sent.push(e.detail.count));
    const button = shadow(reactions).querySelector<HTMLButtonElement>('[part="button"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Send a heart');
    for (let i = 0; i < 3; i++) button.click();
    await until(() => sent.length === 1, 'the taps to be sent');
    expect(sent).to.deep.equal([3]);
    // The crowd: a big aggregated burst is capped on screen.
    reactions.maxParticles = 8;
    await director.react('heart', 500);
    await until(() => reactions.total >= 500, 'the aggregated reactions', 5000);
    expect(reactions.particles).to.be.within(1, 8);
    expect(shadow(reactions).querySelectorAll('[part="particle"]').length).to.be.at.most(8);
    expect(shadow(reactions).querySelector('[part="count"]')!.textContent).to.match(/^5\d\d$/);
  });

  it('under reduced motion draws no particles, only the count', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const reactions = document.createElement('nm-reactions');
    reactions.localizer = new Localizer('zh-CN');
    document.body.append(reactions);
    mounted.push(reactions);
    await reactions.updateComplete;
    reactions.receive({ heart: 12_000, fire: 345 });
    await reactions.updateComplete;
    expect(reactions.particles).to.equal(0);
    expect(shadow(reactions).querySelectorAll('[part="particle"]').length).to.equal(0);
    expect(shadow(reactions).querySelector('[part="count"]')!.textContent).to.equal('1.2万');
    await emulateMedia({ reducedMotion: 'no-preference' });
    reactions.receive({ heart: 3 });
    expect(reactions.particles).to.equal(3);
  });
});

describe('<nm-viewer-count>', () => {
  it('formats the count compactly for each locale', async () => {
    const cases: [string, number, string][] = [
      ['en', 1234, '1.2K watching'],
      ['zh-CN', 12_345, '1.2万 人在看'],
      ['pt-BR', 1234, '1,2\u00a0mil assistindo'],
      ['ko', 12_345, '1.2만'],
      ['en', 18_000_000, '18M watching'],
    ];
    for (const [locale, count, expected] of cases) {
      const element = document.createElement('nm-viewer-count');
      await loadCatalogue(locale);
      element.localizer = new Localizer(locale);
      element.count = count;
      document.body.append(element);
      mounted.push(element);
      await element.updateComplete;
      expect(element.text, locale).to.contain(expected);
    }
  });

  it('shows the compact count in the player’s top bar', async () => {
    const { player, director } = await mountLive();
    await director.setViewers(12_480);
    await until(() => player.state?.viewers === 12_480, 'the viewer count');
    const count = inPlayer(player, 'nm-viewer-count');
    await until(() => count.text === '12K watching' || count.text === '12.5K watching', 'the compact count');
  });
});

describe('live room elements standalone', () => {
  it('work with a room alone, the page answering their requests', async () => {
    const director = backend.createShow();
    const client = createClient({ baseUrl: BASE, getToken: () => 'viewer-2~Bo' });
    const room: Room = client.join(director.id);
    await room.ready;
    const chat = document.createElement('nm-chat');
    chat.room = room;
    chat.localizer = new Localizer('pt-BR');
    chat.addEventListener('nm-chat-send', (e: NmChatSendEvent) => e.respondWith(client.sendChat(room.showId, e.detail)));
    document.body.append(chat);
    mounted.push(chat);
    await director.viewerSays('Mei', 'olá');
    await until(() => messagesOf(chat).length === 1, 'the message');
    await type(chat, 'oi, tudo bem?');
    await until(() => messagesOf(chat).length === 2, 'my message');
    expect(shadow(chat).querySelector('input')!.placeholder).to.equal('Pergunte ao apresentador…');
    expect(await axeProblems(chat)).to.deep.equal([]);
    // Removed from the page: it lets go of the room.
    chat.remove();
    await director.viewerSays('Mei', 'still there?');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(messagesOf(chat).length).to.equal(2);
    room.close();
  });
});
