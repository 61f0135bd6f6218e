/**
 * What the commerce UI tells a viewer when something fails: protocol problems the player knows
 * in the viewer's language; a merchant hook's own message as it wrote it.
 */
import { NightmarketError, type FlashSale, type Presale } from '@nightmarket/client';
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
  'presale-closed': 'problemPresaleClosed',
  'balance-not-due': 'problemBalanceNotDue',
  'not-refundable': 'problemNotRefundable',
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

/** The sale a product card shows: the live one, else the next, else the last that ended. */
export function saleOf(sales: readonly FlashSale[], productId: string): FlashSale | undefined {
  const mine = sales.filter((s) => s.productId === productId);
  return mine.find((s) => s.status === 'live') ?? mine.find((s) => s.status === 'scheduled') ?? mine.at(-1);
}

/** A presale's deposit, balance and balance window in one sentence. */
export function presaleTerms(l: Localizer, presale: Pick<Presale, 'deposit' | 'balance' | 'balanceDueFrom' | 'balanceDueUntil'>): string {
  return l.t('presaleTerms', {
    deposit: l.money(presale.deposit),
    balance: l.money(presale.balance),
    from: l.dateTime(presale.balanceDueFrom),
    until: l.dateTime(presale.balanceDueUntil),
  });
}
