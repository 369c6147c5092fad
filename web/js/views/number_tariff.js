// Tariff and services on a number's page: change the tariff from the filtered catalogue,
// connect and disconnect services; the server's refusals are shown as they come.
import { idempotencyKey, run } from "../api.js";
import { field, h, onSubmit, option, replace, statusLine } from "../dom.js";
import { date, megabytes, money, number as count } from "../format.js";
import { refusal } from "../errors.js";

export function tariffSection(number, reload) {
  const status = statusLine();
  const catalogue = h("div", { class: "catalogue" });
  const open = h("button", { type: "button", "aria-expanded": "false" }, "Сменить тариф");
  open.addEventListener("click", () => {
    const opening = catalogue.childElementCount === 0;
    open.setAttribute("aria-expanded", String(opening));
    if (opening) replace(catalogue, tariffPicker(number, status, reload));
    else replace(catalogue);
  });
  const limits = number.limits;
  return h(
    "section",
    { class: "card", "aria-labelledby": "tariff-title" },
    h("h2", { id: "tariff-title" }, "Тариф и услуги"),
    number.tariff
      ? h("p", {}, h("strong", {}, `«${number.tariff.name}»`), `, ${money(number.tariff.monthlyFee)} в месяц`)
      : h("p", {}, "Тариф не указан"),
    number.pendingTariffChange
      ? h("p", { class: "hint" }, `С ${date(number.pendingTariffChange.scheduledFor)} — «${number.pendingTariffChange.tariff.name}»`)
      : null,
    limits
      ? h(
          "p",
          { class: "hint" },
          "Ограничения владельца: ",
          [
            limits.userMayChangeTariff ? null : "смена тарифа запрещена",
            limits.userMayConnectServices ? null : "услуги не меняются",
            limits.monthlySpendCap ? `расходы до ${money(limits.monthlySpendCap)} в месяц` : null,
            limits.forbiddenServiceCategories.length ? `запрещены категории: ${limits.forbiddenServiceCategories.join(", ")}` : null,
          ]
            .filter(Boolean)
            .join("; ") || "нет",
          ".",
        )
      : null,
    open,
    catalogue,
    status.element,
    servicesBlock(number, reload),
  );
}

function tariffPicker(number, status, reload) {
  const results = h("ul", { class: "tariffs", "aria-live": "polite" });
  const effective = h("select", { name: "effective" }, option("NOW", "Сейчас"), option("NEXT_PERIOD", "Со следующего расчётного периода"));
  const filters = h(
    "form",
    { class: "filters", "aria-label": "Фильтры тарифов" },
    field("Абонентская плата до, ₽", h("input", { name: "maxMonthlyFee", inputmode: "decimal" })),
    field("Интернет от, ГБ", h("input", { name: "minDataGb", inputmode: "numeric" })),
    field("Минут от", h("input", { name: "minMinutes", inputmode: "numeric" })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "unlimitedData" }), " Безлимитный интернет"),
    field(
      "Сортировать",
      h("select", { name: "sort" }, option("MONTHLY_FEE", "по цене"), option("DATA", "по интернету"), option("MINUTES", "по минутам")),
    ),
    h("button", { type: "submit", class: "secondary" }, "Показать"),
  );
  const show = async (data) => {
    const filter = {};
    if (data.get("maxMonthlyFee")) filter.maxMonthlyFee = data.get("maxMonthlyFee").replace(",", ".");
    if (data.get("minDataGb")) filter.minDataGb = Number(data.get("minDataGb"));
    if (data.get("minMinutes")) filter.minMinutes = Number(data.get("minMinutes"));
    if (data.get("unlimitedData")) filter.unlimitedData = true;
    replace(results, h("li", { role: "status" }, "Загрузка…"));
    try {
      const { tariffs } = await run("CabinetTariffs", { filter, sort: { by: data.get("sort") } });
      replace(
        results,
        tariffs.length ? tariffs.map((tariff) => tariffItem(tariff)) : h("li", { class: "empty" }, "Нет тарифов с такими условиями."),
      );
    } catch (error) {
      replace(results, h("li", { class: "status error", role: "alert" }, ...refusal(error)));
    }
  };
  const tariffItem = (tariff) => {
    const current = tariff.id === number.tariff?.id;
    const choose = h("button", { type: "button", disabled: current }, current ? "Текущий тариф" : "Перейти");
    choose.setAttribute("aria-label", current ? `«${tariff.name}» — текущий тариф` : `Перейти на «${tariff.name}»`);
    let key = idempotencyKey();
    choose.addEventListener("click", async () => {
      choose.disabled = true;
      status.busy("Меняем тариф…");
      try {
        const input = { msisdn: number.msisdn, tariffId: tariff.id, idempotencyKey: key, effective: effective.value };
        const { operation } = (await run("CabinetChangeTariff", { input })).changeTariff;
        await reload(operation.status === "CREATED" ? `Запланировано: ${operation.summary}` : `Готово: ${operation.summary}`);
      } catch (error) {
        if (error.code !== "NETWORK") key = idempotencyKey();
        choose.disabled = false;
        status.fail(...refusal(error));
      }
    });
    const bundle = [
      tariff.minutes === null ? "безлимит минут" : `${count(tariff.minutes)} мин`,
      tariff.sms === null ? "безлимит SMS" : `${count(tariff.sms)} SMS`,
      tariff.dataMb === null ? "безлимитный интернет" : megabytes(tariff.dataMb),
    ].join(" · ");
    return h(
      "li",
      { class: "tariff" },
      h("h3", {}, `«${tariff.name}»`),
      h("p", {}, h("strong", {}, `${money(tariff.monthlyFee)} в месяц`), ` · ${bundle}`),
      tariff.description ? h("p", { class: "hint" }, tariff.description) : null,
      choose,
    );
  };
  onSubmit(filters, show);
  show(new FormData(filters));
  return [filters, field("Когда", effective), results];
}

function servicesBlock(number, reload) {
  const status = statusLine();
  const connected = number.services || [];
  const connectedIds = new Set(connected.map((item) => item.service.id));
  const act = async (document, service, button) => {
    button.disabled = true;
    status.busy();
    try {
      const input = { msisdn: number.msisdn, serviceId: service.id, idempotencyKey: idempotencyKey() };
      const answer = await run(document, { input });
      await reload(`Готово: ${Object.values(answer)[0].operation.summary}`);
    } catch (error) {
      button.disabled = false;
      status.fail(...refusal(error));
    }
  };
  const available = h("ul", { class: "services" }, h("li", { role: "status" }, "Загрузка…"));
  if (number.tariff) {
    run("CabinetServices", { tariffId: number.tariff.id })
      .then(({ services }) => {
        const offered = services.filter((service) => !connectedIds.has(service.id));
        replace(
          available,
          offered.length
            ? offered.map((service) => {
                const button = h("button", { type: "button", class: "secondary", "aria-label": `Подключить «${service.name}»` }, "Подключить");
                button.addEventListener("click", () => act("CabinetConnectService", service, button));
                return h(
                  "li",
                  {},
                  h("span", {}, `«${service.name}» — ${money(service.monthlyFee)} в месяц, подключение ${money(service.connectionFee)}`),
                  " ",
                  button,
                );
              })
            : h("li", { class: "empty" }, "Все доступные услуги уже подключены."),
        );
      })
      .catch((error) => replace(available, h("li", { class: "status error" }, ...refusal(error))));
  }
  return [
    h("h3", {}, "Подключённые услуги"),
    connected.length
      ? h(
          "ul",
          { class: "services" },
          connected.map((item) => {
            const button = h("button", { type: "button", class: "secondary", "aria-label": `Отключить «${item.service.name}»` }, "Отключить");
            button.addEventListener("click", () => act("CabinetDisconnectService", item.service, button));
            return h("li", {}, h("span", {}, `«${item.service.name}» — ${money(item.service.monthlyFee)} в месяц, с ${date(item.connectedAt)}`), " ", button);
          }),
        )
      : h("p", { class: "empty" }, "Услуг не подключено."),
    h("details", {}, h("summary", {}, "Можно подключить"), available),
    status.element,
  ];
}
