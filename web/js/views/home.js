// The home page: the account tree (family account, children's accounts below), every line
// in it: each number with its balance, tariff, bundles and status, each home contract with
// its address, balance, tariff and speed, TV packages; a TOPUP-only line with just what that
// level allows (its number, label and a top-up link). Lines reached outside the tree (a
// grant, a linked number) come below it.
import { run } from "../api.js";
import { h, replace } from "../dom.js";
import { money, phone, speed } from "../format.js";
import { isContract, lineKey, lineLink, lineTitle } from "../lines.js";
import { accessBadge, allowanceBars, statusBadge } from "./cards.js";

export async function showHome(main) {
  const data = await run("CabinetHome", {}, { tolerate: ["FORBIDDEN"] });
  const viewer = data.viewer;
  const byKey = new Map(viewer.lines.map((line) => [lineKey(line), line]));
  const inAccounts = new Set();
  const accountSection = (account, depth) => {
    // Phone numbers, then home contracts, as Account.lines lists them.
    const held = [...account.numbers, ...account.homeContracts].map((line) => byKey.get(lineKey(line))).filter(Boolean);
    held.forEach((line) => inAccounts.add(lineKey(line)));
    const heading = h(depth === 0 ? "h2" : "h3", {}, account.name);
    return h(
      "section",
      { class: `account depth-${depth}`, "aria-label": account.name },
      heading,
      lineList(held),
      (account.children || []).map((child) => accountSection(child, depth + 1)),
    );
  };
  const tree = viewer.accounts.map((account) => accountSection(account, 0));
  const others = viewer.lines.filter((line) => !inAccounts.has(lineKey(line)));
  const othersTitle = `${tree.length ? "Другие номера" : "Номера"}${others.some(isContract) ? " и договоры" : ""}`;
  replace(
    main,
    h("h1", {}, "Мои номера"),
    viewer.subscriber ? h("p", { class: "greeting" }, `Здравствуйте, ${viewer.subscriber.fullName}!`) : null,
    tree,
    others.length ? h("section", { class: "account", "aria-label": othersTitle }, h("h2", {}, othersTitle), lineList(others)) : null,
    viewer.lines.length ? null : h("p", { class: "empty" }, "У вас пока нет номеров. Их можно привязать в разделе «Доступ»."),
  );
}

function lineList(lines) {
  if (!lines.length) return h("p", { class: "empty" }, "В этом счёте нет номеров.");
  return h("ul", { class: "numbers" }, lines.map((line) => h("li", {}, isContract(line) ? contractCard(line) : numberCard(line))));
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

function contractCard(contract) {
  const link = lineLink(contract);
  const title = lineTitle(contract);
  const full = contract.accessLevel !== "TOPUP";
  const tariff = contract.tariff;
  const packages = (contract.tvPackages || []).map((item) => `«${item.service.name}»`);
  return h(
    "article",
    { class: "number-card", "data-contract": contract.contractNumber },
    h("h3", {}, h("a", { href: link }, title)),
    h("p", { class: "meta" }, [contract.label, contract.address].filter(Boolean).join(" · ")),
    h("p", { class: "badges" }, accessBadge(contract.accessLevel), " ", statusBadge(contract.status)),
    full
      ? [
          h("p", { class: "balance" }, h("span", { class: "visually-hidden" }, "Баланс: "), money(contract.balance)),
          h("p", {}, "Тариф: ", tariff ? [`«${tariff.name}»`, speed(tariff.speedMbps)].filter(Boolean).join(", ") : "—"),
          contract.tv ? h("p", {}, "ТВ-пакеты: ", packages.length ? packages.join(", ") : "не подключены") : null,
        ]
      : h("p", { class: "hint" }, "Вам доступно только пополнение этого договора."),
    contract.canTopUp ? h("a", { class: "button", href: link, "aria-label": `Пополнить ${title.toLowerCase()}` }, "Пополнить") : null,
  );
}
