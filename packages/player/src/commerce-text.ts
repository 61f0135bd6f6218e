/**
 * What the commerce UI tells a viewer when something fails: protocol problems the player knows
 * in the viewer's language; a merchant hook's own message as it wrote it.
 */
import { NightmarketError } from '@nightmarket/client';
import type { Localizer, TextKey } from './i18n/localize.js';

const PROBLEM_MESSAGES: Readonly<Record<string, TextKey>> = {
  'sold-out': 'problemSoldOut',
  'out-of-stock': 'problemSoldOut',
  'limit-exceeded': 'problemLimit',
  'sale-not-started': 'problemNotStarted',
  'sale-ended': 'problemEnded',
  'reservation-expired': 'problemHoldExpired',
  unauthorized: 'problemSignIn',
  'hook-timeout': 'problemTimeout',
  network: 'problemOther',
  'invalid-response': 'problemOther',
  internal: 'problemOther',
};

/** The words for a failed commerce call, in the viewer's language where the player knows the problem. */
export function problemText(l: Localizer, error: unknown): string {
  if (error instanceof NightmarketError) {
    const key = PROBLEM_MESSAGES[error.type];
    return key ? l.t(key) : error.detail;
  }
  return error instanceof Error && error.message ? error.message : l.t('problemOther');
}

/** Keeps a native `<dialog>` in step with an `open` flag (modal; focus moves into it). */
export function syncDialog(dialog: HTMLDialogElement | null, open: boolean): void {
  if (!dialog) return;
  if (open && !dialog.open) dialog.showModal();
  else if (!open && dialog.open) dialog.close();
}
