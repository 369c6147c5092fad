// A home contract's page (договор: home internet and/or TV): what the viewer's level allows,
// the balance moving live, the tariff with its speed, the TV packages connected, top-up,
// the usage detail (internet sessions, TV charges, the internet per day), trust payment and
// autopay, through the same mutations as a number's, named by contractNumber.
import { run } from "../api.js";
import { h, replace } from "../dom.js";
import { date, money, number as count, plural, speed } from "../format.js";
import { lineHeading } from "./cards.js";
import { autopaySection, topUpSection, trustSection } from "./line_money.js";
import { usageSection } from "./line_usage.js";
import { liveBalance, stopLiveIn } from "./live_balance.js";

// The API writes a contract number as digits; a person may type it with spaces or dashes.
const digitsOf = (text) => String(text).replace(/[\s-]/g, "");

export async function showContract(main, contractNumber, notice = null) {
  stopLiveIn(main);
  // No root field reads one contract: the viewer's contracts come together (a handful, in
  // one batch) and the page keeps the one asked for.
  const data = await run("CabinetHomeContract", {}, { tolerate: ["FORBIDDEN"] });
  const wanted = digitsOf(contractNumber);
  const contract = data.viewer.lines.find((line) => line.contractNumber === wanted);
  if (!contract) {
    // Not there and not yours look the same, as the server answers for a number.
    replace(main, h("h1", {}, "Договор не найден"), h("p", {}, h("a", { href: "#/" }, "К номерам")));
    return null;
  }
  const full = contract.accessLevel === "OWNER" || contract.accessLevel === "FULL";
  const reload = (message = null) => showContract(main, contractNumber, message);
  const live = liveBalance(main, contract);
  replace(
    main,
    ...lineHeading(contract, notice),
    full
      ? h(
          "section",
          { class: "card", "aria-labelledby": "balance-title" },
          h("h2", { id: "balance-title" }, "Баланс"),
          h("p", {}, live.balance, " ", live.state),
          h("p", {}, `Адрес: ${contract.address}`),
          contract.user ? h("p", {}, `Пользователь: ${contract.user.fullName}`) : null,
          h("p", { class: "hint" }, `Подключён ${date(contract.connectedAt)}`, contract.login ? `, логин для входа: ${contract.login}` : null),
        )
      : h("p", { class: "hint" }, "У вас доступ только к пополнению этого договора: баланс, тариф и детализация вам не видны."),
    contract.canTopUp ? topUpSection(contract) : null,
    full ? tariffSection(contract) : null,
    full ? usageSection(contract) : null,
    full ? trustSection(contract, reload) : null,
    full ? autopaySection(contract, reload) : null,
  );
  return full ? live.start() : null;
}

function tariffSection(contract) {
  const tariff = contract.tariff;
  const packages = contract.tvPackages || [];
  return h(
    "section",
    { class: "card", "aria-labelledby": "tariff-title" },
    h("h2", { id: "tariff-title" }, contract.tv ? "Тариф и ТВ" : "Тариф"),
    tariff
      ? h("p", {}, h("strong", {}, `«${tariff.name}»`), `, ${money(tariff.monthlyFee)} в месяц`)
      : h("p", {}, "Тариф не указан"),
    tariff && contract.internet ? h("p", {}, `Интернет ${speed(tariff.speedMbps) || "без указания скорости"}`) : null,
    tariff?.tvChannels && contract.tv
      ? h("p", {}, `ТВ: ${count(tariff.tvChannels)} ${plural(tariff.tvChannels, ["канал", "канала", "каналов"])}`)
      : null,
    contract.pendingTariffChange
      ? h("p", { class: "hint" }, `С ${date(contract.pendingTariffChange.scheduledFor)} — «${contract.pendingTariffChange.tariff.name}»`)
      : null,
    contract.tv
      ? [
          h("h3", {}, "ТВ-пакеты"),
          packages.length
            ? h(
                "ul",
                { class: "services", "aria-label": "Подключённые ТВ-пакеты" },
                packages.map((item) =>
                  h(
                    "li",
                    {},
                    h("strong", {}, `«${item.service.name}»`),
                    `, ${money(item.service.monthlyFee)} в месяц, подключён ${date(item.connectedAt)}`,
                  ),
                ),
              )
            : h("p", { class: "empty" }, "Пакеты не подключены."),
        ]
      : h("p", { class: "hint" }, "ТВ по этому договору не подключено."),
  );
}
