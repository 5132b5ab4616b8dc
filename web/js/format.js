// format.js - dates in the registry's zone (Asia/Shanghai) whatever the
// browser's zone, and numbers in the reader's language.
import { getLang } from './i18n.js';

const ZONE = 'Asia/Shanghai';

function parts(d) {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  const o = {};
  for (const p of f.formatToParts(d)) o[p.type] = p.value;
  return o;
}

// "2026-11-25T10:23:19+08:00" -> "2026-11-25 10:23"; a date alone stays.
export function fmtTime(s) {
  if (!s) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function fmtDate(s) {
  if (!s) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

// Today's date in the registry's zone, YYYY-MM-DD (for date inputs' max).
export function todayInZone() {
  const p = parts(new Date());
  return `${p.year}-${p.month}-${p.day}`;
}

export function fmtNum(n) {
  if (n === null || n === undefined || n === '') return '—';
  return new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'zh-CN').format(n);
}

export function fmtBytes(n) {
  if (typeof n !== 'number') return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

// ["甲", "乙"] -> "甲和乙" / "A and B", in the reader's language.
export function fmtList(items) {
  const list = (items || []).filter(Boolean).map(String);
  if (!list.length) return '';
  try {
    return new Intl.ListFormat(getLang() === 'en' ? 'en-GB' : 'zh-CN', { style: 'long', type: 'conjunction' }).format(list);
  } catch (e) {
    return list.join(getLang() === 'en' ? ', ' : '、');
  }
}
