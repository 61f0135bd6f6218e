import { describe, expect, it } from 'vitest';
import { cleanText, mentionSegments, shortTitle } from '@nightmarket/player';
import { sampleProducts } from '@nightmarket/testing';

describe('untrusted live-room text', () => {
  it('drops bidi embedding, override and isolate controls, and nothing else', () => {
    expect(cleanText('invoice\u202Egnp.exe')).toBe('invoicegnp.exe');
    expect(cleanText('\u2066a\u2069 \u202Ab\u202C \u202Bc\u202D')).toBe('a b c');
    expect(cleanText('<script>x</script> 地毯 🧹 مرحبا')).toBe('<script>x</script> 地毯 🧹 مرحبا');
  });

  it('finds product mentions by #id and short title, and gives the text back unchanged', () => {
    const products = sampleProducts;
    expect(shortTitle('Robot vacuum X2 — self-emptying, 6000 Pa')).toBe('Robot vacuum X2');
    expect(shortTitle('Pen, blue')).toBe(null);
    const text = 'Is the robot vacuum x2 quiet? And #tea-set, 想要Celadon tea set! Not Robot vacuum X20 or #tea-settle.';
    const segments = mentionSegments(text, products);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.product).map((s) => [s.text, s.product!.id])).toEqual([
      ['robot vacuum x2', 'robot-vacuum'],
      ['#tea-set', 'tea-set'],
      ['Celadon tea set', 'tea-set'],
    ]);
    expect(mentionSegments('hello', [])).toEqual([{ text: 'hello' }]);
  });
});
