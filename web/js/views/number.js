// A number's page: what the viewer's level allows, the balance moving live.
import { run } from "../api.js";
import { h, replace } from "../dom.js";
import { allowanceBars, lineHeading } from "./cards.js";
import { autopaySection, topUpSection, trustSection } from "./line_money.js";
import { usageSection } from "./line_usage.js";
import { liveBalance, stopLiveIn } from "./live_balance.js";
import { tariffSection } from "./number_tariff.js";

export async function showNumber(main, msisdn, notice = null) {
  stopLiveIn(main);
  let data;
  try {
    data = await run("CabinetNumber", { msisdn }, { tolerate: ["FORBIDDEN"] });
  } catch (error) {
    if (error.code !== "NOT_FOUND") throw error;
    // Not there and not yours look the same, as the server answers.
    replace(main, h("h1", {}, "Номер не найден"), h("p", {}, h("a", { href: "#/" }, "К номерам")));
    return null;
  }
  const number = data.number;
  const full = number.accessLevel === "OWNER" || number.accessLevel === "FULL";
  const reload = (message = null) => showNumber(main, msisdn, message);
  const live = liveBalance(main, number);
  replace(
    main,
    ...lineHeading(number, notice),
    full
      ? h(
          "section",
          { class: "card", "aria-labelledby": "balance-title" },
          h("h2", { id: "balance-title" }, "Баланс"),
          h("p", {}, live.balance, " ", live.state),
          number.user ? h("p", {}, `Пользователь: ${number.user.fullName}`) : null,
          allowanceBars(number.allowances),
        )
      : h("p", { class: "hint" }, "У вас доступ только к пополнению этого номера: баланс, тариф и детализация вам не видны."),
    number.canTopUp ? topUpSection(number) : null,
    full ? tariffSection(number, reload) : null,
    full ? usageSection(number) : null,
    full ? trustSection(number, reload) : null,
    full ? autopaySection(number, reload) : null,
    number.accessLevel === "OWNER" ? h("p", {}, h("a", { href: "#/access" }, "Кому открыт доступ к номеру")) : null,
  );
  return full ? live.start() : null;
}
