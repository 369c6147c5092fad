// Russian formats: money as "1 234,50 ₽", dates as "6 декабря 2026 г.", phones as
// "+7 999 000-00-01".

const moneyFormats = new Map();

export function money(value) {
  if (!value) return "—";
  const currency = value.currency || "RUB";
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat("ru-RU", { style: "currency", currency }));
  }
  return moneyFormats.get(currency).format(Number(value.amount));
}

const dateFormat = new Intl.DateTimeFormat("ru-RU", { day: "numeric", month: "long", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("ru-RU", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const timeFormat = new Intl.DateTimeFormat("ru-RU", { hour: "2-digit", minute: "2-digit" });

export const date = (iso) => (iso ? dateFormat.format(new Date(iso)) : "—");
// A calendar day as the server gives it ("2026-11-01"): read as the local day it names, not
// as UTC midnight (which is the day before west of Greenwich).
export const calendarDay = (day) => dateFormat.format(new Date(`${day}T00:00:00`));
export const dateTime = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : "—");
export const time = (moment) => timeFormat.format(moment);

export function phone(msisdn) {
  const digits = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(msisdn || "");
  return digits ? `+7 ${digits[1]} ${digits[2]}-${digits[3]}-${digits[4]}` : msisdn;
}

// "+7 (999) 000-00-01", "89990000001" -> "+79990000001"; the server checks it again.
export function normalisePhone(text) {
  const digits = String(text).replace(/\D/g, "");
  if (digits.length === 11 && (digits[0] === "8" || digits[0] === "7")) return `+7${digits.slice(1)}`;
  if (digits.length === 10) return `+7${digits}`;
  return String(text).trim();
}

const plurals = new Intl.PluralRules("ru-RU");
export function plural(count, forms) {
  const [one, few, many] = forms;
  return { one, few, many, other: few }[plurals.select(count)];
}

const numberFormat = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 });
export const number = (value) => numberFormat.format(value);

export function megabytes(mb) {
  return mb >= 1024 ? `${number(mb / 1024)} ГБ` : `${number(mb)} МБ`;
}

export function allowanceAmount(unit, value) {
  if (value === null || value === undefined) return "безлимит";
  if (unit === "MEGABYTE") return megabytes(value);
  if (unit === "MINUTE") return `${number(value)} мин`;
  return `${number(value)} SMS`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} мин ${seconds % 60} с` : `${seconds} с`;
}

export function bytes(count) {
  if (count === null || count === undefined) return "";
  return megabytes(Math.round((count / 1048576) * 10) / 10);
}

export function waitText(seconds) {
  const minutes = Math.ceil(seconds / 60);
  const at = time(new Date(Date.now() + seconds * 1000));
  if (seconds < 90) return `через ${seconds} ${plural(seconds, ["секунду", "секунды", "секунд"])}`;
  return `через ${minutes} ${plural(minutes, ["минуту", "минуты", "минут"])} (в ${at})`;
}

export const ACCESS_LEVELS = {
  OWNER: "Владелец",
  FULL: "Полный доступ",
  TOPUP: "Только пополнение",
};

export const STATUSES = {
  ACTIVE: "Активен",
  BLOCKED: "Заблокирован",
  SUSPENDED: "Приостановлен",
  CLOSED: "Закрыт",
};

export const ALLOWANCE_KINDS = { MINUTES: "Минуты", SMS: "SMS", DATA: "Интернет" };
export const USAGE_KINDS = { CALL: "Звонки", SMS: "SMS", DATA: "Интернет", TV: "ТВ-пакеты" };

export const speed = (mbps) => (mbps ? `до ${number(mbps)} Мбит/с` : null);
