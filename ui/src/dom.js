// A tiny element builder: text always goes in as text nodes, never as HTML, so server data cannot inject markup.

/**
 * h('div', { class: 'card', 'data-testid': 'x', onclick: fn }, 'text', child, [more])
 * Attributes: `class`, `for`, `data-*`, `aria-*`, `title`, `type`, `value`, ... ; `on<event>` functions become listeners.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A `<select>` of `options` (strings or [value, label]) with `selected` chosen. */
export function select(attrs, options, selected) {
  return h('select', attrs, options.map((o) => {
    const [value, label] = Array.isArray(o) ? o : [o, o];
    return h('option', { value, selected: value === selected }, label);
  }));
}

/** A panel with a title row (and optional tools on the right) and a body. */
export function panel(title, body, { tools, testid, flush = false } = {}) {
  return h('section', { class: 'panel', 'data-testid': testid },
    h('header', {}, h('h2', {}, title), tools ?? null),
    h('div', { class: flush ? 'body flush' : 'body' }, body));
}

/** A metric card. */
export function card(label, value, { cls = '', sub, testid } = {}) {
  return h('div', { class: 'card', 'data-testid': testid }, h('div', { class: 'k' }, label), h('div', { class: `v ${cls}` }, value), sub === undefined ? null : h('div', { class: 's' }, sub));
}
