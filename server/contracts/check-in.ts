/**
 * The check-in code of an appointment: 6 digits typed on the kiosk's keypad (digits only: no letter to
 * mistake for a digit, and a keypad everyone knows from phones and cash machines). Valid on the
 * appointment's day at its office and unique there. Shared by the server and the kiosk.
 */
export const CHECK_IN_CODE_LENGTH = 6;

export const CHECK_IN_CODE_PATTERN = /^\d{6}$/;

/** A check-in code as typed (spaces and dashes allowed), or null when the input is not one. */
export function parseCheckInCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return CHECK_IN_CODE_PATTERN.test(digits) ? digits : null;
}

/** `123456` → `123 456`: two groups are easier to read off a phone or paper and to type. */
export function formatCheckInCode(code: string): string {
  return code.length === CHECK_IN_CODE_LENGTH ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}
