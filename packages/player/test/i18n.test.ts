import { describe, expect, it } from 'vitest';
import { catalogueFor, en, hasCatalogue, loadCatalogue, Localizer, showToIcs, icsFileName } from '@nightmarket/player';
import { ko } from '../src/i18n/ko.js';
import { pt } from '../src/i18n/pt.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { zhTW } from '../src/i18n/zh-tw.js';
import { liveKo } from '../src/i18n/live-ko.js';
import { liveEn } from '../src/i18n/live-messages.js';
import { livePt } from '../src/i18n/live-pt.js';
import { liveZhCN } from '../src/i18n/live-zh-cn.js';
import { liveZhTW } from '../src/i18n/live-zh-tw.js';
import { LiveLocalizer } from '../src/i18n/live-localize.js';
import { sampleShow } from '@nightmarket/testing';

describe('message catalogue', () => {
  it('has every message in every locale, with the same placeholders as English', () => {
    const placeholders = (value: unknown): string[] =>
      [...new Set([...JSON.stringify(value).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
    for (const [name, catalogue] of Object.entries({ zhCN, zhTW, pt, ko })) {
      expect(Object.keys(catalogue).sort(), name).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(placeholders(catalogue[key]), `${name}.${key}`).toEqual(placeholders(en[key]));
      }
    }
  });

  it('has every live-room message in every locale, with the same placeholders as English', () => {
    const placeholders = (value: unknown): string[] =>
      [...new Set([...JSON.stringify(value).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
    for (const [name, catalogue] of Object.entries({ liveZhCN, liveZhTW, livePt, liveKo })) {
      expect(Object.keys(catalogue).sort(), name).toEqual(Object.keys(liveEn).sort());
      for (const key of Object.keys(liveEn) as (keyof typeof liveEn)[]) {
        expect(placeholders(catalogue[key]), `${name}.${key}`).toEqual(placeholders(liveEn[key]));
      }
    }
  });

  it('formats live-room counts compactly per locale and fills untrusted names as text', () => {
    const live = (locale: string) => new LiveLocalizer(new Localizer(locale));
    expect(live('en').compact(1234)).toBe('1.2K');
    expect(live('zh-CN').compact(12_345)).toBe('1.2万');
    expect(live('pt-BR').compact(1234)).toBe('1,2\u00a0mil');
    expect(live('en').plural('purchased', 2, { buyer: '<b>L**</b>', product: 'Tea set' })).toBe('<b>L**</b> just bought 2 × Tea set');
    expect(live('zh-CN').plural('chatNewMessages', 3)).toBe('3 条新消息');
    expect(new LiveLocalizer(new Localizer('en'), { chatSend: 'Post' }).t('chatSend')).toBe('Post');
  });

  it('matches locales by language and script', () => {
    expect(['en-GB', 'zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'pt-BR', 'pt-PT', 'ko-KR', 'ar', 'not a tag'].map(catalogueFor)).toEqual([
      'en', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-TW', 'zh-TW', 'zh-TW', 'zh-TW', 'pt', 'pt', 'ko', 'en', 'en',
    ]);
  });
});

describe('Localizer', () => {
  it('formats money from integer minor units with each currency’s own digits', () => {
    const l = new Localizer('en-US');
    expect(l.money({ amount: 179_900, currency: 'CNY' })).toBe('CN¥1,799.00');
    expect(l.money({ amount: 1_799, currency: 'JPY' })).toBe('¥1,799');
    expect(l.money({ amount: 1_799_500, currency: 'KWD' })).toBe('KWD\u00a01,799.500');
    expect(new Localizer('pt-BR').money({ amount: 179_900, currency: 'BRL' })).toBe('R$\u00a01.799,00');
  });

  it('fills placeholders as text, picks plural forms, and takes a merchant’s own wording', () => {
    const l = new Localizer('en', { addToCart: 'Add to bag' });
    expect(l.plural('products', 1)).toBe('1 product');
    expect(l.plural('products', 12_480)).toBe('12,480 products');
    expect(l.t('hostedBy', { host: '<b>Lin</b>' })).toBe('Hosted by <b>Lin</b>');
    expect(l.t('addToCart')).toBe('Add to bag');
  });

  it('loads a language on demand: English until then, the language after', async () => {
    expect(hasCatalogue('ko-KR')).toBe(false);
    expect(new Localizer('ko-KR').t('addToCart')).toBe('Add to cart');
    await Promise.all([loadCatalogue('ko-KR'), loadCatalogue('zh-CN'), loadCatalogue('pt-BR'), loadCatalogue('en-GB')]);
    expect(hasCatalogue('ko')).toBe(true);
    expect(new Localizer('ko-KR').t('addToCart')).toBe('장바구니 담기');
    expect(new Localizer('zh-CN').plural('products', 3)).toBe('3 件商品');
    expect(new Localizer('pt').plural('fewLeft', 1)).toBe('Só resta 1');
  });

  it('counts down in the locale’s digits, and knows right-to-left locales', () => {
    const l = new Localizer('en');
    expect(l.duration(65_000)).toBe('1:05');
    expect(l.duration(3_723_000)).toBe('1:02:03');
    expect(l.duration(2 * 86_400_000 + 5_000)).toBe('2d 0:00:05');
    expect(l.duration(-5)).toBe('0:00');
    expect(new Localizer('ar-EG').dir).toBe('rtl');
    expect(new Localizer('he').dir).toBe('rtl');
    expect(l.dir).toBe('ltr');
  });
});

describe('calendar entry', () => {
  it('escapes text, folds long lines at 75 octets, and uses UTC times', () => {
    const show = sampleShow({
      id: 'spring launch/1',
      title: 'Spring; launch, “live” — 春季新品发布会，直播间专享价格，限时限量，先到先得！'.repeat(2),
      startsAt: Date.UTC(2027, 0, 15, 8, 0, 0),
    });
    const ics = showToIcs(show, 'https://shop.example/live', Date.UTC(2027, 0, 1));
    const lines = ics.split('\r\n');
    expect(lines).toContain('DTSTART:20270115T080000Z');
    expect(lines).toContain('DTEND:20270115T090000Z');
    expect(lines).toContain('URL:https://shop.example/live');
    expect(ics).toContain('Spring\\; launch\\, “live”');
    for (const line of lines) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    // Unfolded, the summary is the title, escaped.
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:${show.title.replace(/;/g, '\\;').replace(/,/g, '\\,')}`);
    expect(icsFileName(show)).toBe('spring-launch-1.ics');
  });
});
