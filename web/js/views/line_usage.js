// The usage detail on a number's page: filters, totals over the whole filter, pages of 20,
// and its export (a format, the job's progress, the file's link).
import { run } from "../api.js";
import { field, h, onSubmit, option, replace, statusLine } from "../dom.js";
import { USAGE_KINDS, bytes, dateTime, duration, money, number as count } from "../format.js";
import { refusal } from "../errors.js";

const PAGE = 20;
const POLL_MS = 1500;
const EXPORT_STATUSES = { QUEUED: "в очереди", RUNNING: "готовится", SUCCEEDED: "готово", FAILED: "не удалось" };

const day = (offset) => {
  const moment = new Date();
  moment.setDate(moment.getDate() + offset);
  return moment.toISOString().slice(0, 10);
};

// The form's dates are whole local days: from the start of the first to the end of the last.
function usageFilter(data) {
  const from = new Date(`${data.get("from")}T00:00:00`);
  const to = new Date(`${data.get("to")}T00:00:00`);
  to.setDate(to.getDate() + 1);
  const filter = { from: from.toISOString(), to: to.toISOString() };
  const kinds = data.getAll("kinds");
  if (kinds.length && kinds.length < 3) filter.kinds = kinds;
  if (data.get("direction")) filter.direction = data.get("direction");
  if (data.get("counterpart").trim()) filter.counterpart = data.get("counterpart").trim();
  return filter;
}

export function usageSection(number) {
  const status = statusLine();
  const totals = h("div", { class: "totals", "aria-live": "polite" });
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
      Object.entries(USAGE_KINDS).map(([kind, text]) =>
        h("label", {}, h("input", { type: "checkbox", name: "kinds", value: kind, checked: true }), ` ${text}`),
      ),
    ),
    field("Направление", h("select", { name: "direction" }, option("", "все"), option("OUT", "исходящие"), option("IN", "входящие"))),
    field("Номер или сервис", h("input", { name: "counterpart", type: "search", autocomplete: "off" })),
    h("button", { type: "submit" }, "Показать"),
  );

  const load = async () => {
    status.busy("Загрузка детализации…");
    try {
      const { number: found } = await run("NumberUsage", { msisdn: number.msisdn, filter, first: PAGE, after });
      const usage = found.usage;
      if (!after) {
        replace(body);
        replace(totals, totalsList(usage.totals));
      }
      usage.edges.forEach(({ node }) => body.append(usageRow(node)));
      if (!body.childElementCount) body.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, "За этот период ничего нет.")));
      after = usage.pageInfo.endCursor;
      more.hidden = !usage.pageInfo.hasNextPage;
      status.clear();
    } catch (error) {
      status.fail(...refusal(error));
    }
  };
  onSubmit(form, async (data) => {
    filter = usageFilter(data);
    after = null;
    replace(exportArea, exportForm(number, filter));
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
      h("thead", {}, h("tr", {}, ["Когда", "Что", "Кто / куда", "Объём", "Стоимость"].map((title) => h("th", { scope: "col" }, title)))),
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
      return h("li", {}, h("strong", {}, USAGE_KINDS[total.kind]), `: ${count(total.count)} · ${amount} · ${money(total.cost)}`);
    }),
  );
}

function usageRow(record) {
  const arrow = record.direction === "OUT" ? "исходящий" : "входящий";
  const amount = record.kind === "DATA" ? bytes(record.bytes) : record.kind === "CALL" ? duration(record.durationSeconds) : "1 SMS";
  return h(
    "tr",
    {},
    h("td", {}, dateTime(record.startedAt)),
    h("td", {}, `${USAGE_KINDS[record.kind]}, ${arrow}`, record.roamingZone ? ` (роуминг: ${record.roamingZone})` : ""),
    h("td", {}, record.counterpart),
    h("td", {}, amount),
    h("td", { class: "money" }, money(record.cost)),
  );
}

function exportForm(number, filter) {
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
      const job = (await run("ExportUsage", { input: { msisdn: number.msisdn, from: filter.from, to: filter.to, kinds: filter.kinds, format: data.get("format") } })).exportUsage;
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
