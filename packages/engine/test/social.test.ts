import { describe, expect, it } from 'vitest';
import { makeEngine, problemOf, T0, viewer } from './fixtures.js';

describe('chat', () => {
  it('posts trimmed messages as the viewer, replies quote the message', async () => {
    const h = makeEngine();
    const mei = viewer('mei', 'Mei');
    const q = await h.engine.chat(mei, { text: '  Does it climb carpets?  ' });
    expect(q).toEqual({ id: 'id-1', author: { id: 'mei', name: 'Mei', role: 'viewer' }, text: 'Does it climb carpets?', at: T0 });
    const reply = await h.engine.chat(viewer('jun', 'Jun'), { text: 'mine does', replyTo: q.id });
    expect(reply.replyTo).toEqual({ id: q.id, authorName: 'Mei', text: 'Does it climb carpets?' });
    expect(h.engine.state.chat).toEqual([q, reply]);
    expect((await problemOf(h.engine.chat(mei, { text: 'x', replyTo: 'gone' }))).type).toBe('not-found');
    expect((await problemOf(h.engine.chat(mei, { text: '   ' }))).detail).toBe('text: must not be empty');
  });

  it('rate-limits each viewer (5 per 10 s) with retryAfter in whole seconds', async () => {
    const h = makeEngine();
    for (let i = 0; i < 5; i++) await h.engine.chat('mei', { text: `m${i}` });
    const limited = await problemOf(h.engine.chat('mei', { text: 'one more' }));
    expect(limited).toMatchObject({ type: 'rate-limited', status: 429, retryAfter: 2 });
    await expect(h.engine.chat('jun', { text: 'hi' })).resolves.toBeDefined(); // per viewer
    h.clock.advance(1500);
    expect((await problemOf(h.engine.chat('mei', { text: 'still' }))).retryAfter).toBe(1);
    h.clock.advance(500);
    await expect(h.engine.chat('mei', { text: 'now' })).resolves.toMatchObject({ text: 'now' });
  });

  it('honours a configured rate', async () => {
    const h = makeEngine({ chatRate: { messages: 1, perMs: 30_000 } });
    await h.engine.chat('mei', { text: 'a' });
    expect((await problemOf(h.engine.chat('mei', { text: 'b' }))).retryAfter).toBe(30);
  });

  it('is closed once the show ended', async () => {
    const h = makeEngine();
    await h.engine.command({ type: 'show.end' });
    expect(await problemOf(h.engine.chat('mei', { text: 'hello?' }))).toMatchObject({ type: 'show-not-live', status: 409 });
  });

  it('lets the host post, reply, remove and pin', async () => {
    const h = makeEngine();
    const q = await h.engine.chat(viewer('mei', 'Mei'), { text: 'Price?' });
    const { id } = await h.engine.command({ type: 'chat.post', text: '1999 today', replyTo: q.id });
    const hostMessage = h.engine.state.chat.find((m) => m.id === id)!;
    expect(hostMessage).toMatchObject({ author: { name: 'Lin', role: 'host' }, replyTo: { id: q.id, authorName: 'Mei', text: 'Price?' } });
    await h.engine.command({ type: 'chat.pin', messageId: id! });
    expect(h.engine.state.pinnedMessage?.id).toBe(id);
    await h.engine.command({ type: 'chat.remove', messageId: id! });
    expect(h.engine.state.chat.map((m) => m.id)).toEqual([q.id]);
    expect(h.engine.state.pinnedMessage).toBeNull();
    expect((await problemOf(h.engine.command({ type: 'chat.remove', messageId: 'gone' }))).type).toBe('not-found');
    await h.engine.command({ type: 'chat.post', text: 'Be nice', role: 'moderator', name: 'Mod' });
    expect(h.engine.state.chat.at(-1)!.author).toEqual({ id: 'moderator', name: 'Mod', role: 'moderator' });
  });
});

describe('reactions and viewers', () => {
  it('aggregates reactions into one event per window, only when there are any', async () => {
    const h = makeEngine({ reactionWindowMs: 500 });
    await h.engine.react('mei', { kind: 'heart' });
    await h.engine.react('jun', { kind: 'heart', count: 4 });
    await h.engine.react('jun', { kind: 'fire', count: 2 });
    expect(h.of('reaction')).toEqual([]);
    await h.engine.tick();
    expect(h.of('reaction').map((e) => e.data.counts)).toEqual([{ heart: 5, fire: 2 }]);
    await h.engine.react('mei', { kind: 'heart' });
    h.clock.advance(499);
    await h.engine.tick();
    expect(h.of('reaction')).toHaveLength(1); // the window is not over
    h.clock.advance(1);
    await h.engine.tick();
    await h.engine.tick();
    expect(h.of('reaction').map((e) => e.data.counts)).toEqual([{ heart: 5, fire: 2 }, { heart: 1 }]);
    expect((await problemOf(h.engine.react('mei', { kind: 'Heart!' }))).type).toBe('invalid-request');
  });

  it('publishes the viewer count on tick when it changed; viewers.set takes over counting', async () => {
    const h = makeEngine();
    h.engine.viewerJoined();
    h.engine.viewerJoined();
    h.engine.viewerJoined();
    h.engine.viewerLeft();
    await h.engine.tick();
    await h.engine.tick();
    expect(h.of('viewers.changed').map((e) => e.data.count)).toEqual([2]);
    expect(h.engine.state.viewers).toBe(2);
    await h.engine.command({ type: 'viewers.set', count: 18_000_000 });
    h.engine.viewerLeft();
    await h.engine.tick();
    expect(h.engine.state.viewers).toBe(18_000_000);
  });
});

describe('polls', () => {
  it('counts one vote per viewer and publishes the tallies', async () => {
    const h = makeEngine();
    const { id } = await h.engine.command({ type: 'poll.open', poll: { question: 'Colour?', options: ['White', 'Black'] } });
    const pollId = id!;
    const poll = await h.engine.vote('mei', pollId, { optionId: 'o2' });
    expect(poll.options.map((o) => [o.id, o.label, o.votes])).toEqual([
      ['o1', 'White', 0],
      ['o2', 'Black', 1],
    ]);
    expect(poll.totalVotes).toBe(1);
    expect(h.of('poll.updated').at(-1)!.data).toEqual(poll);
    expect(await problemOf(h.engine.vote('mei', pollId, { optionId: 'o1' }))).toMatchObject({ type: 'already-voted', status: 409 });
    const unknown = await problemOf(h.engine.vote('jun', pollId, { optionId: 'o9' }));
    expect(unknown).toMatchObject({ type: 'invalid-request', status: 400 });
    expect(unknown.errors![0]!.path).toBe('optionId');
    await h.engine.command({ type: 'poll.close', pollId });
    expect((await problemOf(h.engine.vote('jun', pollId, { optionId: 'o1' }))).type).toBe('poll-closed');
    expect((await problemOf(h.engine.vote('jun', 'nope', { optionId: 'o1' }))).type).toBe('not-found');
  });

  it('closes a timed poll on tick', async () => {
    const h = makeEngine();
    await h.engine.command({ type: 'poll.open', poll: { id: 'p', question: 'Next?', options: ['A', 'B'], endsAt: T0 + 5000 } });
    h.clock.advance(5000);
    await h.engine.tick();
    expect(h.of('poll.closed').map((e) => e.data.id)).toEqual(['p']);
    expect(h.engine.state.polls[0]!.status).toBe('closed');
  });
});
