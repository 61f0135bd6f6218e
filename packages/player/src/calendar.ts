/**
 * An iCalendar (RFC 5545) event for a scheduled show, for the waiting room's "add to calendar".
 * Text values are escaped and lines folded at 75 octets as the RFC requires, so any show title
 * (commas, semicolons, newlines, emoji) makes a file calendars accept.
 */
import type { Show } from '@nightmarket/client';

/** Length of the calendar entry when the show does not say (one hour). */
const DEFAULT_DURATION_MS = 3_600_000;

/**
 * The `.ics` text of a show.
 *
 * @param show - the show (title, host, start)
 * @param pageUrl - the page where the show plays, put in the entry so the viewer can come back
 * @param now - creation stamp (epoch ms)
 */
export function showToIcs(show: Show, pageUrl: string, now: number = Date.now()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Night Market//nm-player//EN',
    'CALSCALE:GREGORIAN',
    'BEGIN:VEVENT',
    `UID:${escapeText(show.id)}@nightmarket`,
    `DTSTAMP:${utc(now)}`,
    `DTSTART:${utc(show.startsAt)}`,
    `DTEND:${utc(show.startsAt + DEFAULT_DURATION_MS)}`,
    `SUMMARY:${escapeText(show.title)}`,
    `DESCRIPTION:${escapeText([show.host.name, show.description, pageUrl].filter(Boolean).join('\n'))}`,
    ...(/^https?:\/\//.test(pageUrl) ? [`URL:${pageUrl}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** A file name for the entry: the show id, safe on every file system. */
export function icsFileName(show: Show): string {
  return `${show.id.replace(/[^\w.-]+/g, '-')}.ics`;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line into chunks of at most 75 octets (UTF-8), never splitting a character. */
function fold(line: string): string {
  const encoder = new TextEncoder();
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // Continuation lines start with a space, which counts towards their 75 octets.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
