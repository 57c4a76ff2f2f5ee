// Pieces several pages share.
import { h } from '../dom.js';
import { fmt } from '../format.js';

/** A list of alerts, newest first. */
export function alertList(alerts) {
  if (alerts.length === 0) return h('div', { class: 'empty' }, 'No alerts');
  return h('ul', { class: 'alerts', 'data-testid': 'alerts' }, alerts.map((a) => h('li', { 'data-code': a.code },
    h('span', { class: 't' }, fmt.clock(a.time)),
    h('span', { class: `lvl ${a.level}` }, a.level),
    h('span', { class: 'm' }, h('b', {}, a.code), a.message))));
}

/** An order's status as a coloured tag. */
export function statusTag(status) {
  return h('span', { class: `status ${status}` }, status.replace('_', ' '));
}

/** Buy / sell in colour. */
export function sideCell(side) {
  return h('td', { class: `side-${side}` }, side.toUpperCase());
}

/** A sortable table: `columns` are { key, label, num?, render?(row) }; clicking a header sorts by it. */
export function sortableTable(columns, rows, { sortKey, desc = true, testid, onRow } = {}) {
  let key = sortKey ?? columns[0].key;
  let descending = desc;
  const value = (row, col) => (col.value ? col.value(row) : row[col.key]);
  const table = h('table', { 'data-testid': testid });
  const draw = () => {
    const col = columns.find((c) => c.key === key) ?? columns[0];
    const sorted = rows.slice().sort((a, b) => {
      const x = value(a, col);
      const y = value(b, col);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -c : c;
    });
    table.replaceChildren(
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {
        class: `sortable${c.num ? ' num' : ''}${c.key === key ? (descending ? ' sorted-desc' : ' sorted-asc') : ''}`,
        'data-key': c.key,
        onclick: () => { if (key === c.key) descending = !descending; else { key = c.key; descending = true; } draw(); },
      }, c.label)))),
      h('tbody', {}, sorted.map((r) => h('tr', { onclick: onRow ? () => onRow(r) : undefined }, columns.map((c) => h('td', { class: c.num ? 'num' : '' }, c.render ? c.render(r) : String(value(r, c))))))));
  };
  draw();
  return table;
}

/** A strategy id for a table: orders from this browser session say so; other UI sessions are shortened. */
export function strategyLabel(strategyId, sessionId) {
  if (strategyId === `ui:${sessionId}`) return h('span', { class: 'mine', title: strategyId }, 'you (ui)');
  if (strategyId.startsWith('ui:')) return h('span', { title: strategyId }, `ui:…${strategyId.slice(-6)}`);
  return strategyId;
}
