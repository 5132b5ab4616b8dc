// idnum.js - the check characters of identity numbers, the same rules the
// server applies (src/domain/idnum.c), so a typo shows before sending.
// The server's message is still what counts and is always shown.

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// GB 11643-1999 citizen identity number: null when valid, else a key of
// the dictionary explaining what is wrong.
export function checkCitizen(s) {
  if (s.length !== 18) return 'idnum.citizen_length';
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return 'idnum.citizen_digits';
    sum += c * W[i];
  }
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (s[0] === '0' || y < 1900 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) {
    return 'idnum.citizen_birth';
  }
  if (s[17] !== CHECK[sum % 11]) return 'idnum.citizen_check';
  return null;
}

const ALPHA = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// GB 32100-2015 unified social credit code.
export function checkUscc(s) {
  if (s.length !== 18) return 'idnum.uscc_length';
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 18; i++) {
    const v = ALPHA.indexOf(s[i]);
    if (v < 0) return 'idnum.uscc_chars';
    if (i < 17) {
      sum += v * weight;
      weight = (weight * 3) % 31;
    }
  }
  if (ALPHA.indexOf(s[17]) !== (31 - (sum % 31)) % 31) return 'idnum.uscc_check';
  return null;
}

export function checkIdNumber(kind, s) {
  return kind === 'natural' ? checkCitizen(s) : checkUscc(s);
}
