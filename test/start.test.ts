/**
 * `npm start` is half of the README's contract: this runs the real start script, checks that the
 * shop page, the live show and its stream are served at the URL it prints, that the scripted show
 * is running (a flash sale goes live), and that Ctrl-C stops everything with exit code 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SnapshotSchema, validate } from '@nightmarket/client';

const root = fileURLToPath(new URL('..', import.meta.url));

it('npm start serves the demo shop, a live show with a running script and its stream, and stops on Ctrl-C', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 20 s:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /Night Market demo shop: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('Lantern');
    expect(html).toContain('id="cart-count"');
    expect(html).toContain('<nm-player');
    expect((await fetch(`${url}shop.js`)).status).toBe(200);
    expect((await fetch(`${url}demo/img/robot-vacuum.svg`)).headers.get('Content-Type')).toBe('image/svg+xml');

    const snapshot = async () => {
      const checked = validate(SnapshotSchema, await (await fetch(`${url}api/shows/spring-launch`)).json());
      if (!checked.success) throw new Error(JSON.stringify(checked.issues));
      return checked.output;
    };
    const first = await snapshot();
    expect(first.show.status).toBe('live');
    expect(first.products.map((p) => p.id)).toEqual(['robot-vacuum', 'air-purifier', 'tea-set', 'rocket-launch']);
    const live = await fetch(first.show.stream.hls);
    expect(live.status).toBe(200);
    expect(await live.text()).toContain('#EXT-X-PROGRAM-DATE-TIME');

    // The script pins at once and starts the flash sale 6 s in.
    const deadline = Date.now() + 15_000;
    let state = first;
    while (!state.sales.some((s) => s.status === 'live') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      state = await snapshot();
    }
    expect(state.pinned?.productId).toBe('robot-vacuum');
    expect(state.sales.find((s) => s.status === 'live')).toMatchObject({ productId: 'robot-vacuum', units: 40 });
    expect(state.chat.length).toBeGreaterThan(0);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopping…');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 60_000);
