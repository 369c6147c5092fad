// What a refusal means, in Russian, with the server's own message kept as it is (the
// server speaks English; its words are the precise ones, so the page shows them too).
import { h } from "./dom.js";
import { dateTime, waitText } from "./format.js";

const BY_REASON = {
  TARIFF_CHANGE_NOT_ALLOWED: "Владелец номера запретил менять на нём тариф.",
  SERVICES_NOT_ALLOWED: "Владелец номера запретил подключать и отключать услуги.",
  SERVICE_CATEGORY_FORBIDDEN: "Владелец номера запретил услуги этой категории.",
  MONTHLY_SPEND_CAP: "Превышен месячный лимит расходов, установленный владельцем.",
  NUMBER_NOT_ACTIVE: "Номер заблокирован: сначала разблокируйте его.",
  INCOMPATIBLE_SERVICES: "Новый тариф несовместим с подключёнными услугами.",
  INSUFFICIENT_BALANCE: "Недостаточно средств на балансе.",
  SAME_TARIFF: "Номер уже на этом тарифе.",
  TARIFF_CHANGE_PENDING: "Смена тарифа уже запланирована: сначала отмените её.",
  ALREADY_CONNECTED: "Услуга уже подключена.",
  NOT_CONNECTED: "Услуга не подключена.",
  NOT_FOR_TARIFF: "Услуга недоступна на этом тарифе.",
  EXCLUDED_BY_CONNECTED: "Услуга несовместима с уже подключённой.",
  KEY_REUSED: "Этот запрос уже был отправлен с другими данными.",
  TOPUP_MIN: "Сумма меньше минимальной.",
  TOPUP_MAX: "Сумма больше максимальной.",
  GRANT_MONTHLY: "Превышен месячный лимит пополнений по доступу.",
  DAILY_PER_PAYER: "Превышен суточный лимит пополнений.",
};

const BY_CODE = {
  UNAUTHENTICATED: "Неверный номер, код или пароль.",
  FORBIDDEN: "Недостаточно прав.",
  NOT_FOUND: "Не найдено.",
  BAD_USER_INPUT: "Проверьте введённые данные.",
  CONFLICT: "Операцию нельзя выполнить сейчас.",
  NETWORK: "Нет связи с сервером. Проверьте подключение и повторите.",
  TIMEOUT: "Сервер не успел ответить. Повторите позже.",
};

export function explain(error) {
  const extensions = error.extensions || {};
  if (error.code === "RATE_LIMITED") {
    const wait = Number(extensions.retryAfter);
    return wait > 0 ? `Слишком много попыток. Попробуйте снова ${waitText(wait)}.` : "Слишком много попыток.";
  }
  let text = BY_REASON[extensions.reason] || BY_REASON[extensions.limit] || BY_CODE[error.code];
  if (extensions.reason === "NUMBER_NOT_ACTIVE" && extensions.blockedUntil) {
    text = `Номер заблокирован до ${dateTime(extensions.blockedUntil)}: сначала разблокируйте его.`;
  }
  return text || "Что-то пошло не так.";
}

/** The explanation and, below it, the server's message as it came. */
export function refusal(error) {
  const server = error.message && error.code !== "NETWORK" ? error.message : null;
  return [
    h("strong", {}, explain(error)),
    server ? h("span", { class: "server-message" }, " Ответ сервера: ", h("q", { lang: "en" }, server)) : null,
  ];
}
