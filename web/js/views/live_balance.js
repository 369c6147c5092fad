// A line's balance on its page, moving live over the balanceChanged subscription, and a note
// saying whether it does: live, reconnecting, or off for good (a refusal no retry changes).
import { h } from "../dom.js";
import { money } from "../format.js";
import { watchBalance } from "../live.js";
import { lineName } from "../lines.js";

const STATES = {
  live: "обновляется сам",
  offline: "нет связи, переподключаемся…",
  off: "живое обновление выключено: перезагрузите страницу, чтобы попробовать снова",
};

// The live balance drawn in each view box: a reload of the page replaces it, leaving the
// page (or a box dropped because the person moved on) stops it.
const liveIn = new WeakMap();
export const stopLiveIn = (box) => {
  liveIn.get(box)?.();
  liveIn.delete(box);
};

/** The balance and its state, as elements; start() follows the line until the box is left
 * (its result is the view's leave function). */
export function liveBalance(box, line) {
  // A live region: a screen reader hears the new balance when a top-up lands.
  const balance = h(
    "span",
    { class: "balance", "data-testid": "balance", "aria-live": "polite", "aria-atomic": "true" },
    money(line.balance),
  );
  const state = h("span", { class: "live", role: "status", "data-testid": "live-state" });
  const start = () => {
    stopLiveIn(box); // a reload that raced this one
    const stop = watchBalance(lineName(line), {
      onBalance: (change) => {
        balance.textContent = money(change.balance);
      },
      onState: (now) => {
        state.textContent = STATES[now];
        state.dataset.state = now;
      },
    });
    liveIn.set(box, stop);
    return () => stopLiveIn(box);
  };
  return { balance, state, start };
}
