/**
 * Generates the protocol's JSON Schema and the reference section of docs/protocol.md from the
 * valibot schemas in packages/client/src/protocol/schemas.ts, the single source of truth.
 *
 * Used by scripts/schema.mjs (`npm run schema`, `--check`) and test/protocol-drift.test.ts.
 * Pure: returns text, writes nothing.
 */
import { readFileSync } from 'node:fs';
import { toJsonSchemaDefs, type JsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import * as protocol from '../packages/client/src/protocol/schemas.js';

/** `$id` of the generated document. */
export const SCHEMA_ID = `urn:nightmarket:protocol:${protocol.PROTOCOL_VERSION}`;

/** Markers of the generated region in docs/protocol.md. */
export const BEGIN_MARKER = '<!-- BEGIN GENERATED REFERENCE -->';
export const END_MARKER = '<!-- END GENERATED REFERENCE -->';

const SOURCE = 'packages/client/src/protocol/schemas.ts';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

type AnySchema = v.GenericSchema;
type Node = JsonSchema & Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// JSON Schema
// ---------------------------------------------------------------------------------------------

function isSchema(value: unknown): value is AnySchema {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'schema';
}

/**
 * Every exported `*Schema` of the protocol module, named without the suffix, in the order the
 * module declares them (a module namespace lists its exports alphabetically, and the source
 * order reads better: scalars, then resources, events, requests, commands).
 */
function protocolSchemas(): Map<string, AnySchema> {
  const source = readFileSync(new URL(`../${SOURCE}`, import.meta.url), 'utf8');
  const declared = [...source.matchAll(/^export const (\w+Schema)\b/gm)].map((m) => m[1]!);
  const rest = Object.keys(protocol).filter((name) => !declared.includes(name)).sort();
  const out = new Map<string, AnySchema>();
  for (const name of [...declared, ...rest]) {
    const value: unknown = (protocol as Record<string, unknown>)[name];
    if (name.endsWith('Schema') && isSchema(value)) out.set(name.slice(0, -'Schema'.length), value);
  }
  return out;
}

const REF_TYPE = 'nightmarket_ref';

/**
 * `v.pipe(MoneySchema, v.description('Sale price.'))` is a new valibot object, and the converter
 * would inline Money into it. Such wrappers (a definition plus metadata only) are replaced by a
 * marker that converts to `{ "$ref": "#/$defs/Money", "description": "Sale price." }`, so the
 * document says "this is a Money" wherever the source does. Shallow clones only: the schemas of
 * the protocol module are never modified.
 */
function withReferences(defs: Map<string, AnySchema>): Record<string, AnySchema> {
  const names = new Map<AnySchema, string>([...defs].map(([name, schema]) => [schema, name]));
  const clones = new Map<AnySchema, AnySchema>();

  const clone = (schema: AnySchema): AnySchema => {
    const done = clones.get(schema);
    if (done) return done;
    const copy: Record<string, unknown> = { ...schema };
    clones.set(schema, copy as unknown as AnySchema);
    const s = schema as unknown as Record<string, unknown>;
    if (Array.isArray(s.pipe)) copy.pipe = s.pipe.map((item: unknown, i: number) => (i === 0 && isSchema(item) ? visit(item) : item));
    if (s.entries) copy.entries = Object.fromEntries(Object.entries(s.entries as Record<string, AnySchema>).map(([k, e]) => [k, visit(e)]));
    if (isSchema(s.item)) copy.item = visit(s.item);
    if (isSchema(s.wrapped)) copy.wrapped = visit(s.wrapped);
    if (Array.isArray(s.options) && s.options.every(isSchema)) copy.options = s.options.map(visit);
    if (isSchema(s.key)) copy.key = visit(s.key);
    if (isSchema(s.value)) copy.value = visit(s.value);
    return copy as unknown as AnySchema;
  };

  const visit = (schema: AnySchema): AnySchema => {
    if (names.has(schema)) return clone(schema);
    const pipe = (schema as { pipe?: unknown[] }).pipe;
    const head = pipe?.[0];
    if (pipe && isSchema(head) && names.has(head) && pipe.slice(1).every((a) => (a as { kind?: unknown }).kind === 'metadata')) {
      const description = pipe
        .slice(1)
        .map((a) => (a as { type?: string; description?: string }))
        .filter((a) => a.type === 'description')
        .map((a) => a.description)
        .at(-1);
      clone(head);
      return { kind: 'schema', type: REF_TYPE, name: names.get(head), description } as unknown as AnySchema;
    }
    return clone(schema);
  };

  return Object.fromEntries([...defs].map(([name, schema]) => [name, clone(schema)]));
}

/**
 * The protocol as one JSON Schema (draft 2020-12) document: every exported `*Schema` of the
 * protocol module is a definition under `$defs` (`MoneySchema` → `#/$defs/Money`), and
 * definitions refer to each other with `$ref`.
 */
export function generateJsonSchema(): Record<string, unknown> {
  const definitions = withReferences(protocolSchemas());
  const $defs = toJsonSchemaDefs(definitions, {
    target: 'draft-2020-12',
    errorMode: 'throw',
    // ChatRequest trims its text before checking the length; JSON Schema cannot trim, and the
    // description says "after trimming".
    ignoreActions: ['trim'],
    overrideSchema({ valibotSchema }) {
      const marker = valibotSchema as unknown as { type: string; name?: string; description?: string };
      if (marker.type !== REF_TYPE) return undefined;
      return { $ref: `#/$defs/${marker.name}`, ...(marker.description ? { description: marker.description } : {}) };
    },
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: `Night Market protocol v${protocol.PROTOCOL_VERSION}`,
    description: `Resources, events, viewer requests and admin commands of the Night Market live-shopping protocol, one definition each under $defs. Generated from ${SOURCE} by \`npm run schema\`; do not edit.`,
    $defs,
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown reference
// ---------------------------------------------------------------------------------------------

interface Row {
  field: string;
  type: string;
  required: boolean;
  description: string;
}

type Defs = Record<string, Node>;

const refName = (node: Node): string | undefined =>
  typeof node.$ref === 'string' ? node.$ref.replace('#/$defs/', '') : undefined;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Prose: `<name>` in a description must not become an HTML tag. */
const prose = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A table cell: no pipes (column breaks) and no line breaks. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${text}\``;

function range(min: unknown, max: unknown, unit = ''): string {
  const lo = typeof min === 'number' ? min : undefined;
  const hi = typeof max === 'number' && max < MAX_SAFE ? max : undefined;
  if (lo !== undefined && hi !== undefined) return lo === hi ? `${lo}${unit}` : `${lo}–${hi}${unit}`;
  if (lo !== undefined && lo > 0) return `≥ ${lo}${unit}`;
  if (lo !== undefined) return `≥ 0${unit}`;
  if (hi !== undefined) return `≤ ${hi}${unit}`;
  return '';
}

/** A readable type: `string`, `integer ≥ 0`, `Money`, `Product[]`, `"live" \| "ended"`… */
function typeOf(node: Node, defs: Defs): string {
  const ref = refName(node);
  if (ref) return defs[ref] && isSection(ref, defs) ? `[${ref}](#${anchor(ref)})` : `[${ref}](#${anchor('Scalars')})`;
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (Array.isArray(node.enum)) return node.enum.map((e) => code(JSON.stringify(e))).join(' | ');
  if (Array.isArray(node.anyOf)) return (node.anyOf as Node[]).map((n) => typeOf(n, defs)).join(' | ');
  if (Array.isArray(node.oneOf)) return 'one of the objects below';
  switch (node.type) {
    case 'string': {
      const parts = ['string'];
      if (node.minLength === 1 && node.maxLength === undefined) parts.push('non-empty');
      else {
        const length = range(node.minLength === 0 ? undefined : node.minLength, node.maxLength, ' chars');
        if (length) parts.push(length);
      }
      if (typeof node.pattern === 'string') parts.push(`matching ${code(node.pattern)}`);
      return parts.join(', ');
    }
    case 'integer':
    case 'number':
      return [node.type, range(node.minimum, node.maximum)].filter(Boolean).join(' ');
    case 'boolean':
      return 'boolean';
    case 'array': {
      const items = node.items as Node;
      let item = items.type === 'object' && items.properties ? 'object' : typeOf(items, defs);
      if (item.includes(' ')) item = `(${item})`;
      const count = range(node.minItems, node.maxItems, ' items');
      return count ? `${item}[], ${count}` : `${item}[]`;
    }
    case 'object':
      if (node.additionalProperties && typeof node.additionalProperties === 'object') {
        const key = node.propertyNames ? typeOf(node.propertyNames as Node, defs) : 'string';
        return `map of ${key} → ${typeOf(node.additionalProperties as Node, defs)}`;
      }
      return 'object';
    default:
      return 'any JSON value';
  }
}

/** Definitions that get a section of their own (objects and unions); the others are scalars. */
function isSection(name: string, defs: Defs): boolean {
  const node = defs[name];
  return !!node && (node.type === 'object' || Array.isArray(node.oneOf));
}

function describe(node: Node, defs: Defs): string {
  if (typeof node.description === 'string') return node.description;
  // A reference to a resource without its own description borrows the resource's; scalars
  // (Id, Timestamp…) are described once, in the Scalars table the type links to.
  const ref = refName(node);
  const target = ref && isSection(ref, defs) ? defs[ref] : undefined;
  if (target && typeof target.description === 'string') return target.description;
  if (Array.isArray(node.anyOf)) {
    for (const option of node.anyOf as Node[]) {
      const text = describe(option, defs);
      if (text) return text;
    }
  }
  return '';
}

/** Fields of an object, nested inline objects flattened as `a.b` and `a[].b`. */
function rows(node: Node, defs: Defs, prefix = ''): Row[] {
  const out: Row[] = [];
  const properties = (node.properties ?? {}) as Record<string, Node>;
  const required = new Set((node.required ?? []) as string[]);
  for (const [key, prop] of Object.entries(properties)) {
    const field = `${prefix}${key}`;
    out.push({ field, type: typeOf(prop, defs), required: required.has(key), description: describe(prop, defs) });
    const inline = inlineObject(prop);
    if (inline) out.push(...rows(inline.node, defs, `${field}${inline.suffix}.`));
  }
  return out;
}

function inlineObject(prop: Node): { node: Node; suffix: string } | undefined {
  if (prop.type === 'object' && prop.properties) return { node: prop, suffix: '' };
  const items = prop.items as Node | undefined;
  if (prop.type === 'array' && items?.type === 'object' && items.properties) return { node: items, suffix: '[]' };
  if (Array.isArray(prop.anyOf)) {
    const object = (prop.anyOf as Node[]).find((n) => n.type === 'object' && n.properties);
    if (object) return { node: object, suffix: '' };
  }
  return undefined;
}

function table(items: Row[]): string[] {
  if (items.length === 0) return ['No fields.', ''];
  return [
    '| Field | Type | Required | Description |',
    '| --- | --- | --- | --- |',
    ...items.map((r) => `| ${code(r.field)} | ${cell(r.type)} | ${r.required ? 'yes' : 'no'} | ${cell(prose(r.description))} |`),
    '',
  ];
}

/** The property every option of a oneOf fixes with a `const` (`type`, `source`, `kind`). */
function discriminator(options: Node[]): string | undefined {
  const first = options[0]?.properties as Record<string, Node> | undefined;
  if (!first) return undefined;
  return Object.keys(first).find((key) =>
    options.every((o) => ((o.properties as Record<string, Node> | undefined)?.[key]?.const) !== undefined),
  );
}

function section(heading: string, node: Node, defs: Defs): string[] {
  const out = [`#### ${heading}`, ''];
  if (typeof node.description === 'string') out.push(prose(node.description), '');
  if (Array.isArray(node.oneOf)) {
    const options = node.oneOf as Node[];
    const key = discriminator(options);
    out.push('One of:', '');
    for (const option of options) {
      const tag = key ? (option.properties as Record<string, Node>)[key]?.const : undefined;
      const label = key ? `${code(`${key}: ${JSON.stringify(tag)}`)}` : 'Option';
      out.push(`- ${label}${typeof option.description === 'string' ? ` — ${prose(option.description)}` : ''}`);
    }
    out.push('');
    for (const option of options) {
      const tag = key ? (option.properties as Record<string, Node>)[key]?.const : undefined;
      if (key) out.push(`${code(`${key}: ${JSON.stringify(tag)}`)}:`, '');
      out.push(...table(rows(option, defs)));
    }
    return out;
  }
  out.push(...table(rows(node, defs)));
  return out;
}

/** Event type names in the order of the ShowEvent union. */
function eventOrder(): string[] {
  return protocol.ShowEventSchema.options.map((o) => o.pipe[0].entries.type.literal);
}

/**
 * The reference section of docs/protocol.md, generated from the same schemas: scalars, resources,
 * events, viewer requests, admin commands (each with its description and a table of fields),
 * problem types with their HTTP status, and capabilities.
 */
export function generateReference(): string {
  const doc = generateJsonSchema();
  const defs = doc.$defs as Defs;
  const names = Object.keys(defs);
  const events = names.filter((n) => n.endsWith('Event') && n !== 'ShowEvent');
  const requests = names.filter((n) => n.endsWith('Request'));
  const admin = ['AdminCommand', 'CommandResult'];
  const special = new Set([...events, ...requests, ...admin, 'ShowEvent', 'EventEnvelope', 'Problem']);
  const scalars = names.filter((n) => !isSection(n, defs));
  const resources = names.filter((n) => isSection(n, defs) && !special.has(n));

  const eventByType = new Map<string, Node>();
  for (const name of events) {
    const node = defs[name]!;
    const type = ((node.properties as Record<string, Node>).type as Node).const;
    eventByType.set(String(type), node);
  }

  const out: string[] = [
    `<!-- Generated by \`npm run schema\` from ${SOURCE}: edit the schemas, not this section. -->`,
    '',
    `Protocol version ${protocol.PROTOCOL_VERSION}. The same definitions, as JSON Schema (draft 2020-12, ${code(SCHEMA_ID)}), are in ${code('packages/client/schema/protocol.schema.json')}, published as ${code('@nightmarket/client/schema.json')}.`,
    '',
    '### Scalars',
    '',
    '| Name | Type | Description |',
    '| --- | --- | --- |',
    ...scalars.map((n) => `| ${n} | ${cell(typeOf(defs[n]!, defs))} | ${cell(prose(describe(defs[n]!, defs)))} |`),
    '',
    '### Resources',
    '',
  ];
  for (const name of resources) out.push(...section(name, defs[name]!, defs));

  out.push('### Events', '');
  out.push(
    `Every event is a JSON object with ${code('type')}, ${code('seq')}, ${code('at')} and ${code('data')}. A client checks the envelope first and skips (but counts) types it does not know.`,
    '',
  );
  out.push(...section('EventEnvelope', defs.EventEnvelope!, defs));
  for (const type of eventOrder()) {
    const node = eventByType.get(type);
    if (node) out.push(...section(`${code(type)} event`, node, defs));
  }

  out.push('### Viewer requests', '');
  for (const name of requests) out.push(...section(name, defs[name]!, defs));

  out.push('### Admin commands', '');
  const commands = defs.AdminCommand!;
  if (typeof commands.description === 'string') out.push(prose(commands.description), '');
  out.push(`Body of ${code('POST /shows/{showId}/commands')}; the response is a [CommandResult](#${anchor('CommandResult')}).`, '');
  for (const option of (commands.oneOf ?? []) as Node[]) {
    const type = ((option.properties as Record<string, Node>).type as Node).const;
    out.push(...section(`${code(String(type))} command`, option, defs));
  }
  out.push(...section('CommandResult', defs.CommandResult!, defs));

  out.push('### Problems', '');
  out.push(...section('Problem', defs.Problem!, defs));
  out.push(
    `Problem types: ${code('type')} is ${code(`${protocol.PROBLEM_TYPE_PREFIX}<name>`)}.`,
    '',
    '| Name | `type` | HTTP status |',
    '| --- | --- | --- |',
    ...Object.entries(protocol.PROBLEM_TYPES).map(
      ([name, status]) => `| ${code(name)} | ${code(`${protocol.PROBLEM_TYPE_PREFIX}${name}`)} | ${status} |`,
    ),
    '',
  );

  out.push('### Capabilities', '');
  out.push(
    `A backend lists the optional parts it supports in ${code('Snapshot.capabilities')}; clients ignore names they do not know.`,
    '',
    ...protocol.CAPABILITIES.map((c) => `- ${code(c)}`),
    '',
  );
  return out.join('\n');
}

/** Replaces the text between the markers (exclusive) with `reference`; the rest is kept byte for byte. */
export function replaceReference(markdown: string, reference: string): string {
  const begin = markdown.indexOf(BEGIN_MARKER);
  const end = markdown.indexOf(END_MARKER);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(`docs/protocol.md must contain ${BEGIN_MARKER} followed by ${END_MARKER}`);
  }
  return `${markdown.slice(0, begin + BEGIN_MARKER.length)}\n\n${reference.trimEnd()}\n\n${markdown.slice(end)}`;
}

/** The committed JSON Schema file's content. */
export function jsonSchemaText(): string {
  return `${JSON.stringify(generateJsonSchema(), null, 2)}\n`;
}
