// The viewer's sessions: where they are signed in, ending one or all.
import { run, signOutLocally } from "../api.js";
import { h, replace, statusLine } from "../dom.js";
import { dateTime } from "../format.js";
import { refusal } from "../errors.js";

const METHODS = { CODE: "по коду из SMS", PASSWORD: "по паролю" };

export async function showSessions(main) {
  const { viewer } = await run("CabinetSessions");
  const status = statusLine();
  const everywhere = h("button", { type: "button", class: "secondary" }, "Выйти на всех устройствах");
  everywhere.addEventListener("click", async () => {
    try {
      await run("CabinetSignOutEverywhere");
    } catch (error) {
      status.fail(...refusal(error));
      return;
    }
    signOutLocally();
  });
  replace(
    main,
    h("h1", {}, "Сеансы"),
    h("p", { class: "hint" }, "Где выполнен вход в ваш кабинет. Завершите сеанс, которого вы не узнаёте."),
    h(
      "ul",
      { class: "sessions" },
      viewer.sessions.map((session) => {
        const end = h("button", { type: "button", class: "secondary", "aria-label": `Завершить сеанс от ${dateTime(session.createdAt)}` }, "Завершить");
        end.addEventListener("click", async () => {
          try {
            await run("CabinetRevokeSession", { id: session.id });
            if (session.current) signOutLocally();
            else await showSessions(main);
          } catch (error) {
            status.fail(...refusal(error));
          }
        });
        return h(
          "li",
          { class: "card" },
          h("p", {}, h("strong", {}, session.current ? "Этот сеанс" : `Вход ${METHODS[session.method]}`), ` · ${session.userAgent || "неизвестное устройство"}`),
          h("p", { class: "hint" }, `Вход ${dateTime(session.createdAt)}, последний раз ${dateTime(session.lastUsedAt)}, IP ${session.ip}`),
          end,
        );
      }),
    ),
    everywhere,
    status.element,
  );
}
