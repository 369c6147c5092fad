// The cabinet's router: #/ (numbers and home contracts), #/number/<msisdn>,
// #/contract/<contract number>, #/access, #/sessions. A hash route keeps everything on one
// page that the gateway serves at `/`.
import { isSignedIn, onSignedOut, run, signOutLocally } from "./api.js";
import { h, replace } from "./dom.js";
import { refusal } from "./errors.js";
import { showAccess } from "./views/access.js";
import { showContract } from "./views/contract.js";
import { showHome } from "./views/home.js";
import { showNumber } from "./views/number.js";
import { showSessions } from "./views/sessions.js";
import { showSignIn } from "./views/signin.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let leaveView = null; // what the current view stops when the person leaves it (live balance)
let turn = 0; // the latest route(): a slower earlier one must not draw over it

const ROUTES = [
  [/^#?\/?$/, showHome],
  [/^#\/number\/([^/]+)$/, (target, match) => showNumber(target, decodeURIComponent(match[1]))],
  [/^#\/contract\/([^/]+)$/, (target, match) => showContract(target, decodeURIComponent(match[1]))],
  [/^#\/access$/, showAccess],
  [/^#\/sessions$/, showSessions],
];

async function route() {
  const mine = ++turn;
  leaveView?.();
  leaveView = null;
  nav.hidden = !isSignedIn();
  if (!isSignedIn()) {
    showSignIn(main, () => {
      nav.hidden = false;
      route();
    });
    return;
  }
  const hash = window.location.hash || "#/";
  for (const [pattern, show] of ROUTES) {
    const match = pattern.exec(hash);
    if (match) {
      // aria-current="page", not an empty attribute: an empty value means "false" in ARIA.
      const section = hash.split("/").slice(0, 2).join("/");
      for (const link of nav.querySelectorAll("a")) {
        if (link.getAttribute("href") === section) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      }
      replace(main, h("p", { class: "loading", role: "status" }, "Загрузка…"));
      // Each view draws into a box of its own, put on the page only if the person is still
      // on this route when it is ready (a view they left meanwhile stops its live balance;
      // its later redraws land in the detached box).
      const view = h("div", { class: "view" });
      try {
        const leave = (await show(view, match)) || null;
        if (mine !== turn) {
          leave?.();
          return;
        }
        replace(main, view);
        leaveView = leave;
      } catch (error) {
        if (mine !== turn || !isSignedIn()) return; // left, or signed out: route() ran again
        replace(
          main,
          h("h1", {}, "Не удалось загрузить"),
          h("p", { class: "status error", role: "alert" }, ...refusal(error)),
          h("button", { type: "button", onclick: () => route() }, "Повторить"),
        );
      }
      return;
    }
  }
  replace(main, h("h1", {}, "Страница не найдена"), h("p", {}, h("a", { href: "#/" }, "К номерам")));
}

document.getElementById("sign-out").addEventListener("click", async () => {
  try {
    await run("SignOut");
  } catch {
    // The session is forgotten here either way.
  }
  signOutLocally();
  window.location.hash = "#/";
  route();
});

onSignedOut(() => route());
window.addEventListener("hashchange", () => {
  route();
  main.focus();
});
route();
