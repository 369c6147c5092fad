// Family and access: who may use my numbers (give and revoke FULL/TOPUP access, with an
// expiry and a monthly top-up cap), requests to answer, what others gave me, and linking a
// relative's number by an SMS code sent to it.
import { run } from "../api.js";
import { field, h, onSubmit, option, replace, statusLine } from "../dom.js";
import { ACCESS_LEVELS, date, dateTime, money, normalisePhone, phone } from "../format.js";
import { refusal } from "../errors.js";
import { amountValue } from "./line_money.js";

const REQUEST_STATUSES = { PENDING: "ждёт ответа", APPROVED: "разрешён", DENIED: "отказано", WITHDRAWN: "отозван", EXPIRED: "истёк" };

const grantee = (grant) => (grant.grantee.phone ? `${grant.grantee.fullName} (${phone(grant.grantee.phone)})` : `приложение «${grant.grantee.name}»`);

export async function showAccess(main) {
  const { viewer } = await run("CabinetAccess");
  const again = () => showAccess(main);
  const owned = viewer.numbers.filter((number) => number.accessLevel === "OWNER");
  replace(
    main,
    h("h1", {}, "Доступ и семья"),
    owned.length ? grantForm(owned, again) : null,
    section("Кому я дал доступ", viewer.grantsGiven.filter((grant) => grant.active), (grant) => grantItem(grant, again), "Вы никому не давали доступ."),
    section("Запросы доступа ко мне", viewer.accessRequestsIncoming.filter((request) => request.status === "PENDING"), (request) => requestItem(request, again), "Новых запросов нет."),
    section("Мои запросы", viewer.accessRequestsOutgoing, (request) => h("li", {}, `${phone(request.msisdn)}: ${ACCESS_LEVELS[request.level]}, ${REQUEST_STATUSES[request.status] || request.status}`), "Вы ничего не запрашивали."),
    section(
      "Доступ, который дали мне",
      viewer.grantsReceived.filter((grant) => grant.active),
      (grant) => h("li", {}, `${phone(grant.msisdn)}: ${ACCESS_LEVELS[grant.level]}`, grant.expiresAt ? ` до ${date(grant.expiresAt)}` : ""),
      "Вам пока не давали доступ к чужим номерам.",
    ),
    requestForm(again),
    linkForm(again),
  );
}

function requestForm(again) {
  const status = statusLine();
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "ask-title" },
    h("h2", { id: "ask-title" }, "Попросить доступ к номеру"),
    h("p", { class: "hint" }, "Владелец номера получит SMS и решит, дать ли доступ."),
    field("Номер", h("input", { name: "msisdn", type: "tel", inputmode: "tel", required: true })),
    field("Уровень", h("select", { name: "level" }, option("TOPUP", "Только пополнение"), option("FULL", "Полный доступ"))),
    field("Сообщение владельцу", h("input", { name: "message", maxlength: 200 })),
    h("button", { type: "submit" }, "Попросить"),
    status.element,
  );
  onSubmit(form, async (data) => {
    try {
      await run("CabinetRequestAccess", { msisdn: normalisePhone(data.get("msisdn")), level: data.get("level"), message: data.get("message") });
      await again();
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  return form;
}

function section(title, items, render, empty) {
  return h("section", { class: "card", "aria-label": title }, h("h2", {}, title), items.length ? h("ul", { class: "plain" }, items.map(render)) : h("p", { class: "empty" }, empty));
}

function grantItem(grant, again) {
  const revoke = h("button", { type: "button", class: "secondary", "aria-label": `Отозвать доступ ${grantee(grant)} к ${phone(grant.msisdn)}` }, "Отозвать");
  const status = statusLine();
  revoke.addEventListener("click", async () => {
    try {
      await run("CabinetRevokeAccess", { grantId: grant.id });
      await again();
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  return h(
    "li",
    {},
    `${phone(grant.msisdn)} → ${grantee(grant)}: ${ACCESS_LEVELS[grant.level]}`,
    grant.expiresAt ? `, до ${date(grant.expiresAt)}` : "",
    grant.topUpMonthlyLimit ? `, не больше ${money(grant.topUpMonthlyLimit)} в месяц` : "",
    " ",
    revoke,
    status.element,
  );
}

function requestItem(request, again) {
  const status = statusLine();
  const answer = (document, variables) => async () => {
    try {
      await run(document, variables);
      await again();
    } catch (error) {
      status.fail(...refusal(error));
    }
  };
  return h(
    "li",
    {},
    `${request.requester.fullName} (${phone(request.requester.phone)}) просит «${ACCESS_LEVELS[request.level]}» к ${phone(request.msisdn)}, ${dateTime(request.createdAt)}`,
    request.message ? h("q", {}, request.message) : null,
    " ",
    h("button", { type: "button", onclick: answer("CabinetApproveAccessRequest", { id: request.id, level: request.level }) }, "Разрешить"),
    " ",
    h("button", { type: "button", class: "secondary", onclick: answer("CabinetDenyAccessRequest", { id: request.id, blockRequester: false }) }, "Отказать"),
    " ",
    h("button", { type: "button", class: "link", onclick: answer("CabinetDenyAccessRequest", { id: request.id, blockRequester: true }) }, "Отказать и больше не принимать"),
    status.element,
  );
}

function grantForm(owned, again) {
  const status = statusLine();
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "grant-title" },
    h("h2", { id: "grant-title" }, "Дать доступ к номеру"),
    field("Номер", h("select", { name: "msisdn" }, owned.map((number) => option(number.msisdn, `${phone(number.msisdn)} ${number.label}`)))),
    field("Кому (телефон)", h("input", { name: "granteePhone", type: "tel", inputmode: "tel", required: true, autocomplete: "off" })),
    field("Уровень", h("select", { name: "level" }, option("TOPUP", "Только пополнение"), option("FULL", "Полный доступ"))),
    field("До какого дня", h("input", { name: "expiresAt", type: "date" }), "Пусто — бессрочно"),
    field("Пополнений не больше, ₽ в месяц", h("input", { name: "limit", inputmode: "decimal" }), "Для уровня «Только пополнение»; пусто — без лимита"),
    h("button", { type: "submit" }, "Дать доступ"),
    status.element,
  );
  onSubmit(form, async (data) => {
    status.busy();
    const input = { msisdn: data.get("msisdn"), granteePhone: normalisePhone(data.get("granteePhone")), level: data.get("level") };
    if (data.get("expiresAt")) input.expiresAt = new Date(`${data.get("expiresAt")}T23:59:59`).toISOString();
    if (data.get("limit")) input.topUpMonthlyLimit = amountValue(data.get("limit"));
    try {
      await run("CabinetGrantAccess", { input });
      await again();
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  return form;
}

function linkForm(again) {
  const status = statusLine();
  const codeField = field("Код из SMS на тот номер", h("input", { name: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 6 }));
  codeField.hidden = true;
  const submit = h("button", { type: "submit" }, "Отправить код");
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "link-title" },
    h("h2", { id: "link-title" }, "Привязать номер родственника"),
    h("p", { class: "hint" }, "На номер придёт код: его владелец подтверждает, что согласен. Вы получите полный доступ."),
    field("Номер", h("input", { name: "msisdn", type: "tel", inputmode: "tel", required: true })),
    codeField,
    submit,
    status.element,
  );
  onSubmit(form, async (data) => {
    const msisdn = normalisePhone(data.get("msisdn"));
    try {
      if (codeField.hidden) {
        await run("CabinetLinkNumber", { msisdn });
        codeField.hidden = false;
        codeField.querySelector("input").required = true;
        submit.textContent = "Подтвердить";
        status.ok(`Код отправлен на ${phone(msisdn)}.`);
      } else {
        await run("CabinetConfirmLinkNumber", { msisdn, code: data.get("code").trim() });
        await again();
      }
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  return form;
}
