// Money on a line's page (a phone number's or a home contract's): top-up (a saved card or
// a sandbox card), trust payment, autopay. The API takes either kind of line in the same
// mutations, named by msisdn or by contractNumber.
import { idempotencyKey, run } from "../api.js";
import { field, h, onSubmit, option, statusLine } from "../dom.js";
import { date, money } from "../format.js";
import { refusal } from "../errors.js";
import { isContract, lineKey, lineName } from "../lines.js";

const SANDBOX_CARDS = [
  ["tok_visa", "Новая карта: Visa (песочница, одобряется)"],
  ["tok_mastercard", "Новая карта: Mastercard (песочница, одобряется)"],
  ["tok_declined", "Новая карта: отклоняется банком (песочница)"],
  ["tok_insufficient_funds", "Новая карта: недостаточно средств (песочница)"],
];
const FAILURES = {
  card_declined: "банк отклонил карту",
  insufficient_funds: "на карте недостаточно средств",
  timeout: "банк не ответил вовремя",
};

export const amountValue = (text) => String(text).trim().replace(/\s/g, "").replace(",", ".");

async function savedCards() {
  try {
    return (await run("CabinetPaymentCards")).viewer.paymentCards;
  } catch {
    return [];
  }
}

export function topUpSection(line) {
  const status = statusLine();
  const cardSelect = h("select", { name: "card" }, SANDBOX_CARDS.map(([token, text]) => option(token, text)));
  const remember = h("input", { type: "checkbox", name: "remember", id: `remember-${lineKey(line)}` });
  savedCards().then((cards) => {
    cards.forEach((card, index) =>
      cardSelect.insertBefore(option(`card:${card.id}`, `${card.brand} •••• ${card.last4}`, index === 0), cardSelect.firstChild),
    );
  });
  let key = idempotencyKey();
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "topup-title" },
    h("h2", { id: "topup-title" }, "Пополнить баланс"),
    field("Сумма, ₽", h("input", { name: "amount", inputmode: "decimal", required: true, autocomplete: "off", placeholder: "500" }), "От 10 до 15 000 ₽"),
    field("Карта", cardSelect),
    h("label", { class: "check", for: remember.id }, remember, " Запомнить новую карту"),
    h("button", { type: "submit" }, "Пополнить"),
    status.element,
  );
  onSubmit(form, async (data) => {
    status.busy("Платёж обрабатывается…");
    const card = data.get("card");
    const input = { ...lineName(line), amount: amountValue(data.get("amount")), idempotencyKey: key };
    try {
      if (card.startsWith("card:")) input.paymentMethodId = card.slice(5);
      else if (data.get("remember")) input.paymentMethodId = (await run("CabinetAddPaymentCard", { token: card })).addPaymentCard.id;
      else input.cardToken = card;
      const payment = (await run("CabinetTopUp", { input })).topUp.payment;
      key = idempotencyKey(); // answered: the next submit is a new payment
      if (payment.status === "SUCCEEDED") {
        status.ok(`Зачислено ${money(payment.amount)}.`);
        form.reset();
      } else if (payment.status === "FAILED") {
        status.fail(`Платёж не прошёл: ${FAILURES[payment.failureCode] || payment.failureCode}.`);
      } else {
        status.ok("Платёж принят и обрабатывается: деньги поступят в течение нескольких минут.");
      }
    } catch (error) {
      if (error.code !== "NETWORK") key = idempotencyKey();
      status.fail(...refusal(error));
    }
  });
  return form;
}

export function trustSection(line, reload) {
  const trust = line.trustPayment;
  if (!trust) return null;
  const status = statusLine();
  const body = [];
  if (trust.current && trust.current.status !== "REPAID") {
    body.push(h("p", {}, `Взят доверительный платёж: к возврату ${money(trust.current.outstanding)} до ${date(trust.current.dueAt)}`));
  }
  if (trust.offer) {
    const offer = trust.offer;
    const take = h("button", { type: "button" }, `Взять ${money(offer.amount)}`);
    take.addEventListener("click", async () => {
      take.disabled = true;
      status.busy();
      try {
        await run("CabinetTakeTrustPayment", { ...lineName(line), amount: offer.amount.amount });
        await reload();
      } catch (error) {
        take.disabled = false;
        status.fail(...refusal(error));
      }
    });
    body.push(
      h("p", {}, `Доступно ${money(offer.amount)} на ${offer.dueInDays} дн., комиссия ${money(offer.fee)}. Следующие пополнения сначала погасят его.`),
      take,
    );
  } else if (!body.length) {
    body.push(h("p", { class: "hint" }, TRUST_UNAVAILABLE[trust.unavailableCode] || "Сейчас недоступен."));
  }
  return h("section", { class: "card", "aria-labelledby": "trust-title" }, h("h2", { id: "trust-title" }, "Доверительный платёж"), body, status.element);
}

// Why no trust payment is offered (TrustUnavailable), in the cabinet's words.
const TRUST_UNAVAILABLE = {
  TOO_NEW: "Доступен после 60 дней обслуживания.",
  ALREADY_OPEN: "Уже взят доверительный платёж: его погасят следующие пополнения.",
  BALANCE_NOT_LOW: "Баланс пока не так мал, чтобы понадобился доверительный платёж.",
};

export function autopaySection(line, reload) {
  const status = statusLine();
  const rule = line.autopay;
  const section = h("section", { class: "card", "aria-labelledby": "autopay-title" }, h("h2", { id: "autopay-title" }, "Автоплатёж"));
  if (rule) {
    const remove = h("button", { type: "button", class: "secondary" }, "Отключить автоплатёж");
    remove.addEventListener("click", async () => {
      try {
        await run("CabinetRemoveAutopay", lineName(line));
        await reload();
      } catch (error) {
        status.fail(...refusal(error));
      }
    });
    const when = rule.kind === "THRESHOLD" ? `когда баланс ниже ${money(rule.threshold)}` : `${rule.dayOfMonth}-го числа каждого месяца`;
    section.append(h("p", {}, `${money(rule.amount)} ${when}, с карты •••• ${rule.cardLast4}.`), remove, status.element);
    return section;
  }
  const cardSelect = h("select", { name: "card", required: true });
  const form = h(
    "form",
    {},
    h("p", { class: "hint" }, `Пополнять ${isContract(line) ? "договор" : "номер"} с сохранённой карты, когда баланс опускается ниже порога.`),
    field("Порог, ₽", h("input", { name: "threshold", inputmode: "decimal", required: true, value: "100" })),
    field("Сумма пополнения, ₽", h("input", { name: "amount", inputmode: "decimal", required: true, value: "300" })),
    field("Карта", cardSelect),
    h("button", { type: "submit" }, "Включить автоплатёж"),
    status.element,
  );
  savedCards().then((cards) => {
    if (!cards.length) cardSelect.append(option("", "Нет сохранённых карт: запомните карту при пополнении"));
    cards.forEach((card) => cardSelect.append(option(card.id, `${card.brand} •••• ${card.last4}`)));
  });
  onSubmit(form, async (data) => {
    status.busy();
    try {
      await run("CabinetSetAutopay", {
        input: {
          ...lineName(line),
          kind: "THRESHOLD",
          amount: amountValue(data.get("amount")),
          threshold: amountValue(data.get("threshold")),
          paymentMethodId: data.get("card"),
        },
      });
      await reload();
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  section.append(form);
  return section;
}
