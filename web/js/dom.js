// dom.js - building the page from data without innerHTML: every value the
// registry returns is set as text, so no record can inject markup.

// h('a.button', {href: '/x'}, 'text', child, [more]) -> element.
// attrs: class, text, on<event>, dataset (object), aria-*, and any attribute;
// a boolean true sets an empty attribute, false/null/undefined omit it.
export function h(tag, attrs, ...children) {
  const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/i.exec(tag);
  const el = document.createElement(m ? m[1] : tag);
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') String(v).split(/\s+/).filter(Boolean).forEach((c) => el.classList.add(c));
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' || k === 'selected') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A value from the registry's data (names, grounds, messages): marked so the
// language check can tell data from the portal's own words.
export function dv(value, tag = 'span') {
  return h(tag + '.dv', value === null || value === undefined || value === '' ? '—' : String(value));
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uid = 0;
export function nextId(prefix = 'u') {
  uid += 1;
  return `${prefix}-${uid}`;
}

// A path such as "source.description" as a safe id fragment.
export function pathId(path) {
  return 'f-' + path.replace(/[^a-zA-Z0-9_-]/g, '-');
}
