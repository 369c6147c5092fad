// The usage detail on a line's page: filters, totals over the whole filter, pages of 20,
// and its export (a format, the job's progress, the file's link). A phone number lists its
// calls, SMS and data sessions; a home contract its internet sessions and TV package
// charges, with its internet per day.
import { run } from "../api.js";
import { field, h, onSubmit, option, replace, statusLine } from "../dom.js";
import { USAGE_KINDS, bytes, calendarDay, dateTime, duration, money, number as count, plural } from "../format.js";
import { refusal } from "../errors.js";
import { isContract, lineName } from "../lines.js";

const PAGE = 20;
const POLL_MS = 1500;
const EXPORT_STATUSES = { QUEUED: "в очереди", RUNNING: "готовится", SUCCEEDED: "готово", FAILED: "не удалось" };
// What each kind of line has (the server's KINDS_OF_LINE): a contract has no calls or SMS,
// a phone number no TV packages.
const NUMBER_KINDS = ["CALL", "SMS", "DATA"];
const CONTRACT_KINDS = ["DATA", "TV"];

// A local calendar day as the date input writes it (YYYY-MM-DD). Not toISOString(): that is
// the UTC date, a day behind in Moscow between 00:00 and 03:00, which left today out.
const day = (offset) => {
  const moment = new Date();
  moment.setDate(moment.getDate() + offset);
  const month = String(moment.getMonth() + 1).padStart(2, "0");
  const date = String(moment.getDate()).padStart(2, "0");
  return `${moment.getFullYear()}-${month}-${date}`;
};

// The form's dates are whole local days: from the start of the first to the end of the last.
function usageFilter(data, allKinds) {
  const from = new Date(`${data.get("from")}T00:00:00`);
  const to = new Date(`${data.get("to")}T00:00:00`);
  to.setDate(to.getDate() + 1);
  const filter = { from: from.toISOString(), to: to.toISOString() };
  const kinds = data.getAll("kinds");
  if (kinds.length && kinds.length < allKinds.length) filter.kinds = kinds;
  if (data.get("direction")) filter.direction = data.get("direction");
  if (data.get("counterpart").trim()) filter.counterpart = data.get("counterpart").trim();
  return filter;
}

/** The first page of a line's detail under `filter`, or the page after `after`. */
async function usagePage(line, filter, after) {
  if (!isContract(line)) return (await run("NumberUsage", { msisdn: line.msisdn, filter, first: PAGE, after })).number.usage;
  // The totals and the internet per day cover the whole filter: asked with the first page only.
  const variables = { id: line.id, filter, first: PAGE, after, firstPage: !after };
  return (await run("CabinetHomeContractUsage", variables)).node?.usage ?? null;
}

export function usageSection(line) {
  const contract = isContract(line);
  const kinds = contract ? CONTRACT_KINDS : NUMBER_KINDS;
  const status = statusLine();
  const totals = h("div", { class: "totals", "aria-live": "polite" });
  const traffic = h("div", { class: "traffic" });
  const body = h("tbody");
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Показать ещё");
  const exportArea = h("div", { class: "export" });
  let filter = null;
  let after = null;

  const form = h(
    "form",
    { class: "filters", "aria-label": "Фильтры детализации" },
    field("С", h("input", { type: "date", name: "from", value: day(-30), required: true })),
    field("По", h("input", { type: "date", name: "to", value: day(0), required: true })),
    h(
      "fieldset",
      { class: "choice" },
      h("legend", {}, "Что показать"),
      kinds.map((kind) =>
        h("label", {}, h("input", { type: "checkbox", name: "kinds", value: kind, checked: true }), ` ${USAGE_KINDS[kind]}`),
      ),
    ),
    // A contract's records all go one way (its sessions, its charges): no direction to choose.
    contract
      ? null
      : field("Направление", h("select", { name: "direction" }, option("", "все"), option("OUT", "исходящие"), option("IN", "входящие"))),
    field(contract ? "Пакет или сервис" : "Номер или сервис", h("input", { name: "counterpart", type: "search", autocomplete: "off" })),
    h("button", { type: "submit" }, "Показать"),
  );

  const load = async () => {
    status.busy("Загрузка детализации…");
    try {
      const usage = await usagePage(line, filter, after);
      if (!usage) {
        status.fail("Детализация недоступна.");
        return;
      }
      if (!after) {
        replace(body);
        replace(totals, totalsList(usage.totals));
        replace(traffic, contract ? dailyTraffic(usage.dailyTraffic) : null);
      }
      usage.edges.forEach(({ node }) => body.append(usageRow(node, contract)));
      if (!body.childElementCount) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "За этот период ничего нет.")));
      after = usage.pageInfo.endCursor;
      more.hidden = !usage.pageInfo.hasNextPage;
      status.clear();
    } catch (error) {
      status.fail(...refusal(error));
    }
  };
  onSubmit(form, async (data) => {
    filter = usageFilter(data, kinds);
    after = null;
    replace(exportArea, exportForm(line, filter));
    await load();
  });
  more.addEventListener("click", load);

  const table = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "usage" },
      h("caption", { class: "visually-hidden" }, "Детализация"),
      h(
        "thead",
        {},
        h("tr", {}, ["Когда", "Что", contract ? "Пакет / сервис" : "Кто / куда", "Объём", "Стоимость"].map((title) => h("th", { scope: "col" }, title))),
      ),
      body,
    ),
  );
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "usage-title" },
    h("h2", { id: "usage-title" }, "Детализация"),
    form,
    status.element,
    totals,
    traffic,
    table,
    more,
    exportArea,
  );
  setTimeout(() => form.isConnected && form.requestSubmit(), 0); // once it is on the page
  return section;
}

function totalsList(items) {
  if (!items.length) return null;
  return h(
    "ul",
    { class: "totals-list", "aria-label": "Итого за период" },
    items.map((total) => {
      const amount = total.kind === "DATA" ? bytes(total.bytes) : total.kind === "CALL" ? duration(total.seconds) : `${count(total.count)} шт.`;
      // A TV package charge has no amount of its own: how many and what they cost.
      const parts = [count(total.count), total.kind === "TV" ? null : amount, money(total.cost)].filter(Boolean);
      return h("li", {}, h("strong", {}, USAGE_KINDS[total.kind] || total.kind), `: ${parts.join(" · ")}`);
    }),
  );
}

// The internet per day of the filter's period (days without sessions are left out), in the
// reader's time zone as the server counted it.
function dailyTraffic(days) {
  if (!days?.length) return null;
  return h(
    "details",
    {},
    h("summary", {}, "Интернет по дням"),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "usage" },
        h("caption", { class: "visually-hidden" }, "Интернет по дням"),
        h("thead", {}, h("tr", {}, ["День", "Трафик", "Сеансы", "Время"].map((title) => h("th", { scope: "col" }, title)))),
        h(
          "tbody",
          {},
          days.map((item) =>
            h(
              "tr",
              {},
              h("td", {}, calendarDay(item.day)),
              h("td", {}, bytes(item.bytes)),
              h("td", {}, `${count(item.sessions)} ${plural(item.sessions, ["сеанс", "сеанса", "сеансов"])}`),
              h("td", {}, duration(item.seconds)),
            ),
          ),
        ),
      ),
    ),
  );
}

const CONTRACT_RECORDS = { DATA: "Интернет", TV: "ТВ-пакет" };

function usageRow(record, contract) {
  const arrow = record.direction === "OUT" ? "исходящий" : "входящий";
  let amount = record.kind === "CALL" ? duration(record.durationSeconds) : record.kind === "SMS" ? "1 SMS" : "—";
  if (record.kind === "DATA") amount = contract ? `${bytes(record.bytes)} за ${duration(record.durationSeconds)}` : bytes(record.bytes);
  const what = contract ? CONTRACT_RECORDS[record.kind] || record.kind : `${USAGE_KINDS[record.kind]}, ${arrow}`;
  return h(
    "tr",
    {},
    h("td", {}, dateTime(record.startedAt)),
    h("td", {}, what, record.roamingZone ? ` (роуминг: ${record.roamingZone})` : ""),
    h("td", {}, record.counterpart),
    h("td", {}, amount),
    h("td", { class: "money" }, money(record.cost)),
  );
}

function exportForm(line, filter) {
  const status = statusLine();
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": "Готовность файла" });
  const link = h("p", { class: "download" });
  const form = h(
    "form",
    { class: "inline", "aria-label": "Выгрузка детализации" },
    h("h3", {}, "Выгрузить в файл"),
    field("Формат", h("select", { name: "format" }, option("PDF", "PDF"), option("XLSX", "Excel (XLSX)"), option("CSV", "CSV"))),
    h("button", { type: "submit" }, "Выгрузить"),
    progress,
    status.element,
    link,
  );
  onSubmit(form, async (data) => {
    replace(link);
    status.busy("Заказываем файл…");
    try {
      const job = (await run("ExportUsage", { input: { ...lineName(line), from: filter.from, to: filter.to, kinds: filter.kinds, format: data.get("format") } })).exportUsage;
      progress.hidden = false;
      await follow(job.id, progress, status, link);
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  return form;
}

const exportJob = async (jobId) => (await run("Exports")).viewer.exports.find((item) => item.id === jobId);

// Polls the viewer's exports until the job is done (a lost connection only delays it: the
// job goes on on the server), then shows its link.
async function follow(jobId, progress, status, link) {
  while (progress.isConnected) {
    let job;
    try {
      job = await exportJob(jobId);
    } catch (error) {
      if (error.code !== "NETWORK") throw error;
      status.busy("Нет связи с сервером, ждём…");
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      continue;
    }
    if (!job) throw new Error("Выгрузка пропала");
    progress.value = job.progress;
    status.busy(`Файл ${EXPORT_STATUSES[job.status]}: ${job.progress}%`);
    if (job.status === "SUCCEEDED") {
      status.ok(`Файл готов: ${count(job.rowCount ?? 0)} записей.`);
      replace(link, downloadLink(job, status));
      return;
    }
    if (job.status === "FAILED") {
      status.fail(`Не удалось подготовить файл: ${job.errorMessage || "ошибка"}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// Only a path to this gateway's /exports/ goes into the page as a link (never a
// `javascript:` URL or another site, whatever the answer said).
function exportHref(url) {
  const target = new URL(url, window.location.href);
  if (target.origin !== window.location.origin || !target.pathname.startsWith("/exports/")) return null;
  return target.pathname + target.search;
}

// The signed link expires (EXPORT_LINK_TTL, an hour by default) and the person may come
// back to the page much later: a click asks for a fresh link first, then follows it. No
// clock is compared (the page's and the server's may differ); it costs one small query.
function downloadLink(job, status) {
  let following = false;
  const anchor = h("a", { href: exportHref(job.url), download: "", class: "button" }, `Скачать ${job.format}`);
  anchor.addEventListener("click", async (event) => {
    if (following) {
      following = false; // the click below, with the fresh link
      return;
    }
    event.preventDefault();
    try {
      const fresh = await exportJob(job.id);
      const href = fresh?.url ? exportHref(fresh.url) : null;
      if (!href) {
        status.fail("Файл больше не доступен: выгрузите его заново.");
        return;
      }
      anchor.href = href;
      following = true;
      anchor.click();
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  return anchor;
}
