/**
 * The committed JSON Schema and the reference section of docs/protocol.md are generated from
 * packages/client/src/protocol/schemas.ts; this fails when either was not regenerated, and checks
 * that the JSON Schema accepts and rejects what the valibot schemas accept and reject.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ShowEventSchema, SnapshotSchema, validate } from '@nightmarket/client';
import {
  BEGIN_MARKER,
  END_MARKER,
  generateReference,
  jsonSchemaText,
  replaceReference,
  SCHEMA_ID,
} from '../scripts/protocol-docs.js';

const HINT = 'is out of date with packages/client/src/protocol/schemas.ts: run `npm run schema` and commit the result';
const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('generated protocol files', () => {
  it('packages/client/schema/protocol.schema.json matches the schemas', () => {
    const committed = read('packages/client/schema/protocol.schema.json');
    expect(committed === jsonSchemaText(), `packages/client/schema/protocol.schema.json ${HINT}`).toBe(true);
  });

  it('the reference section of docs/protocol.md matches the schemas', () => {
    const committed = read('docs/protocol.md');
    expect(committed).toContain(BEGIN_MARKER);
    expect(committed).toContain(END_MARKER);
    expect(committed === replaceReference(committed, generateReference()), `docs/protocol.md ${HINT}`).toBe(true);
  });

  it('regenerating leaves the text outside the markers alone', () => {
    const doc = `# Title\n\nProse before.\n\n${BEGIN_MARKER}\nold\n${END_MARKER}\n\nProse after.\n`;
    const out = replaceReference(doc, 'new');
    expect(out.startsWith(`# Title\n\nProse before.\n\n${BEGIN_MARKER}`)).toBe(true);
    expect(out.endsWith(`${END_MARKER}\n\nProse after.\n`)).toBe(true);
    expect(out).toContain('new');
    expect(out).not.toContain('old');
  });
});

describe('the JSON Schema agrees with the valibot schemas', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addSchema(JSON.parse(jsonSchemaText()));
  const jsonSchema = (def: string) => {
    const fn = ajv.getSchema(`${SCHEMA_ID}#/$defs/${def}`);
    if (!fn) throw new Error(`no $defs/${def}`);
    return (value: unknown) => fn(value) as boolean;
  };

  const snapshot = {
    protocol: 1,
    capabilities: ['chat', 'flash-sale'],
    epoch: 'e1',
    seq: 3,
    serverTime: 1_700_000_000_000,
    heartbeatMs: 15_000,
    show: {
      id: 'spring-launch',
      title: 'Spring launch',
      status: 'live',
      startsAt: 1_700_000_000_000,
      host: { name: 'Lin', avatar: { url: 'https://cdn.example/lin.jpg', alt: 'Lin' } },
      stream: { hls: 'https://video.example/live.m3u8', programDateTime: true },
      locale: 'zh-CN',
      currency: 'CNY',
    },
    products: [
      {
        id: 'vac-1',
        title: 'Robot vacuum X2',
        images: [{ url: 'https://cdn.example/vac.jpg', alt: 'Robot vacuum' }],
        price: { amount: 199_900, currency: 'CNY' },
        variants: [{ id: 'white', title: 'White', options: { Color: 'White' }, available: true, stock: null }],
        badges: [{ kind: 'authentic', label: '100% authentic' }],
      },
    ],
    pinned: { productId: 'vac-1', at: 1_700_000_000_100, streamTime: null },
    sales: [],
    presales: [],
    polls: [],
    chat: [],
    pinnedMessage: null,
    viewers: 12,
  };

  const cases: Array<[string, unknown]> = [
    ['a valid snapshot', snapshot],
    ['a price in decimal units', { ...snapshot, products: [{ ...snapshot.products[0], price: { amount: 1999.5, currency: 'CNY' } }] }],
    ['a javascript: stream URL', { ...snapshot, show: { ...snapshot.show, stream: { hls: 'javascript:alert(1)' } } }],
    ['a product without variants', { ...snapshot, products: [{ ...snapshot.products[0], variants: [] }] }],
    ['an unknown show status', { ...snapshot, show: { ...snapshot.show, status: 'rehearsal' } }],
    ['a missing field', { ...snapshot, viewers: undefined }],
  ];
  it.each(cases)('Snapshot: %s', (_, value) => {
    expect(jsonSchema('Snapshot')(JSON.parse(JSON.stringify(value)))).toBe(validate(SnapshotSchema, value).success);
  });

  const events: Array<[string, unknown]> = [
    ['stock.changed with a sale', { type: 'stock.changed', seq: 4, at: 1, data: { productId: 'p', variantId: 'v', stock: 3, available: true, sale: { id: 's', unitsLeft: 2 } } }],
    ['reaction counts', { type: 'reaction', seq: 5, at: 1, data: { counts: { heart: 3, fire: 1 } } }],
    ['a reaction kind in capitals', { type: 'reaction', seq: 5, at: 1, data: { counts: { HEART: 3 } } }],
    ['seq 0', { type: 'viewers.changed', seq: 0, at: 1, data: { count: 3 } }],
    ['an unknown event type', { type: 'confetti', seq: 6, at: 1, data: {} }],
  ];
  it.each(events)('ShowEvent: %s', (_, value) => {
    expect(jsonSchema('ShowEvent')(value)).toBe(validate(ShowEventSchema, value).success);
  });
});
