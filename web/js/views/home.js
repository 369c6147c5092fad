// The home page: the account tree (family account, children's accounts below), every
// number with its balance, tariff, bundles and status; a TOPUP-only number with just what
// that level allows (its number, label and a top-up link).
import { run } from "../api.js";
import { h, replace } from "../dom.js";
import { money, phone } from "../format.js";
import { accessBadge, allowanceBars, statusBadge } from "./cards.js";

export async function showHome(main) {
  const data = await run("CabinetHome", {}, { tolerate: ["FORBIDDEN"] });
  const viewer = data.viewer;
  const byMsisdn = new Map(viewer.numbers.map((number) => [number.msisdn, number]));
  const inAccounts = new Set();
  const accountSection = (account, depth) => {
    account.numbers.forEach((number) => inAccounts.add(number.msisdn));
    const heading = h(depth === 0 ? "h2" : "h3", {}, account.name);
    return h(
      "section",
      { class: `account depth-${depth}`, "aria-label": account.name },
      heading,
      numberList(account.numbers.map((number) => byMsisdn.get(number.msisdn)).filter(Boolean)),
      (account.children || []).map((child) => accountSection(child, depth + 1)),
    );
  };
  const tree = viewer.accounts.map((account) => accountSection(account, 0));
  const others = viewer.numbers.filter((number) => !inAccounts.has(number.msisdn));
  replace(
    main,
    h("h1", {}, "Мои номера"),
    viewer.subscriber ? h("p", { class: "greeting" }, `Здравствуйте, ${viewer.subscriber.fullName}!`) : null,
    tree,
    others.length
      ? h("section", { class: "account", "aria-label": "Другие номера" }, h("h2", {}, tree.length ? "Другие номера" : "Номера"), numberList(others))
      : null,
    viewer.numbers.length ? null : h("p", { class: "empty" }, "У вас пока нет номеров. Их можно привязать в разделе «Доступ»."),
  );
}

function numberList(numbers) {
  if (!numbers.length) return h("p", { class: "empty" }, "В этом счёте нет номеров.");
  return h("ul", { class: "numbers" }, numbers.map((number) => h("li", {}, numberCard(number))));
}

function numberCard(number) {
  const link = `#/number/${encodeURIComponent(number.msisdn)}`;
  const full = number.accessLevel !== "TOPUP";
  return h(
    "article",
    { class: "number-card", "data-msisdn": number.msisdn },
    h("h3", {}, h("a", { href: link }, phone(number.msisdn))),
    h("p", { class: "meta" }, number.label || null, number.user ? ` · ${number.user.fullName}` : null),
    h("p", { class: "badges" }, accessBadge(number.accessLevel), " ", statusBadge(number.status)),
    full
      ? [
          h("p", { class: "balance" }, h("span", { class: "visually-hidden" }, "Баланс: "), money(number.balance)),
          h("p", {}, "Тариф: ", number.tariff ? `«${number.tariff.name}»` : "—"),
          allowanceBars(number.allowances),
        ]
      : h("p", { class: "hint" }, "Вам доступно только пополнение этого номера."),
    number.canTopUp ? h("a", { class: "button", href: link, "aria-label": `Пополнить ${phone(number.msisdn)}` }, "Пополнить") : null,
  );
}
