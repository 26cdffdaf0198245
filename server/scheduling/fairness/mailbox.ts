/**
 * The real mailbox behind an e-mail address, for the per-mailbox booking cap: `Anna.Jansen+1@Gmail.com`,
 * `annajansen@gmail.com` and `anna.jansen+x@googlemail.com` are one mailbox. Pure.
 *
 * - case is ignored everywhere (the local part is case-sensitive only in theory; no mail provider uses it);
 * - a `+tag` is cut everywhere: sub-addressing is what Gmail, Outlook, iCloud, Proton, Fastmail, Yahoo (`-`
 *   aside) and most Dutch providers deliver to the same mailbox, and a provider without it loses nothing
 *   but a tag nobody types;
 * - dots in the local part are dropped only where the provider ignores them (Gmail);
 * - provider aliases fold to one domain (googlemail.com → gmail.com).
 */

/** Domains whose mailboxes ignore dots in the local part. */
const DOTLESS_DOMAINS = new Set(['gmail.com']);

const DOMAIN_ALIASES: Record<string, string> = {
  'googlemail.com': 'gmail.com',
};

export function normaliseMailbox(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return trimmed;
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1).replace(/\.$/, '');
  domain = DOMAIN_ALIASES[domain] ?? domain;
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (DOTLESS_DOMAINS.has(domain)) local = local.replaceAll('.', '') || local;
  return `${local}@${domain}`;
}

/**
 * A Dutch-first phone key: digits only, international prefixes folded to the national form
 * (`+31 6 1234 5678`, `0031612345678` and `06-12345678` are one number). Null when too short to be a number.
 */
export function normalisePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const plus = phone.trim().startsWith('+');
  let digits = phone.replace(/\D/g, '');
  if (plus) digits = `00${digits}`;
  if (digits.startsWith('0031')) digits = `0${digits.slice(4)}`;
  return digits.length >= 8 ? digits : null;
}
