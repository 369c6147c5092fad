// Pieces shared by the home page and a number's page: the access badge, the bundle bars.
import { h } from "../dom.js";
import { ACCESS_LEVELS, ALLOWANCE_KINDS, STATUSES, allowanceAmount, date } from "../format.js";
import { lineTitle } from "../lines.js";

export function accessBadge(level) {
  return h("span", { class: `badge level-${level.toLowerCase()}` }, ACCESS_LEVELS[level] || level);
}

export function statusBadge(status) {
  if (!status) return null;
  return h("span", { class: `badge status-${status.toLowerCase()}` }, STATUSES[status] || status);
}

export function allowanceBars(allowances) {
  if (!allowances?.length) return null;
  return h(
    "ul",
    { class: "bars", "aria-label": "Остатки пакетов" },
    allowances.map((item) => {
      const name = ALLOWANCE_KINDS[item.kind] || item.kind;
      if (item.total === null || item.total === 0) {
        const text = item.total === null ? "безлимит" : "не входят в тариф";
        return h("li", {}, h("span", { class: "bar-label" }, `${name}: ${text}`));
      }
      const text = `${name}: осталось ${allowanceAmount(item.unit, item.remaining)} из ${allowanceAmount(item.unit, item.total)}`;
      return h(
        "li",
        {},
        h("span", { class: "bar-label" }, text),
        h("progress", { max: item.total, value: item.remaining, "aria-label": text }),
      );
    }),
  );
}

// The top of a line's page (a phone number's or a home contract's): the way back, its name
// and label, its access and status, the notice of what was just done, and its block.
export function lineHeading(line, notice) {
  return [
    h("p", {}, h("a", { href: "#/" }, "← Все номера")),
    h("h1", {}, lineTitle(line), line.label ? h("small", {}, ` ${line.label}`) : null),
    h("p", { class: "badges" }, accessBadge(line.accessLevel), " ", statusBadge(line.status)),
    notice ? h("p", { class: "status ok", role: "status" }, notice) : null,
    line.block
      ? h("p", { class: "status error" }, line.block.until ? `Заблокирован до ${date(line.block.until)}` : "Заблокирован")
      : null,
  ];
}
