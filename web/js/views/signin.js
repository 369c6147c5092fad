// Sign-in by phone and SMS code, or by password. A locked-out phone is told when to try again.
import { run, startSession } from "../api.js";
import { field, h, onSubmit, replace, statusLine } from "../dom.js";
import { normalisePhone, phone as showPhone } from "../format.js";
import { refusal } from "../errors.js";

export function showSignIn(main, signedIn) {
  const status = statusLine();
  const phoneInput = h("input", {
    name: "phone",
    type: "tel",
    autocomplete: "tel",
    inputmode: "tel",
    required: true,
    placeholder: "+7 999 000-00-01",
  });
  const byCode = h("input", { type: "radio", name: "method", value: "code", checked: true, id: "method-code" });
  const byPassword = h("input", { type: "radio", name: "method", value: "password", id: "method-password" });
  const passwordField = field("Пароль", h("input", { name: "password", type: "password", autocomplete: "current-password" }));
  passwordField.hidden = true;
  const submit = h("button", { type: "submit" }, "Получить код");

  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "sign-in-title" },
    h("h1", { id: "sign-in-title" }, "Вход в личный кабинет"),
    field("Номер телефона", phoneInput),
    h(
      "fieldset",
      { class: "choice" },
      h("legend", {}, "Как войти"),
      h("label", { for: "method-code" }, byCode, " По коду из SMS"),
      h("label", { for: "method-password" }, byPassword, " По паролю"),
    ),
    passwordField,
    submit,
    status.element,
  );
  for (const radio of [byCode, byPassword]) {
    radio.addEventListener("change", () => {
      passwordField.hidden = !byPassword.checked;
      passwordField.querySelector("input").required = byPassword.checked;
      submit.textContent = byPassword.checked ? "Войти" : "Получить код";
      status.clear();
    });
  }
  onSubmit(form, async (data) => {
    const phone = normalisePhone(data.get("phone"));
    status.busy();
    try {
      if (byPassword.checked) {
        const answer = await run("SignInWithPassword", { phone, password: data.get("password") });
        startSession(answer.signInWithPassword);
        signedIn();
      } else {
        const answer = await run("RequestSignInCode", { phone });
        askForCode(main, phone, answer.requestSignInCode, signedIn);
      }
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  replace(main, form);
  phoneInput.focus();
}

function askForCode(main, phone, sent, signedIn) {
  const status = statusLine();
  const codeInput = h("input", {
    name: "code",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    pattern: "[0-9]{6}",
    maxlength: 6,
    required: true,
  });
  const resend = h("button", { type: "button", class: "secondary", disabled: true }, "Отправить код ещё раз");
  let wait = sent.resendAfter;
  const tick = setInterval(() => {
    wait -= 1;
    resend.disabled = wait > 0;
    resend.textContent = wait > 0 ? `Отправить ещё раз через ${wait} с` : "Отправить код ещё раз";
    if (wait <= 0 || !resend.isConnected) clearInterval(tick);
  }, 1000);
  resend.addEventListener("click", async () => {
    try {
      const answer = await run("RequestSignInCode", { phone });
      clearInterval(tick);
      askForCode(main, phone, answer.requestSignInCode, signedIn);
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "code-title" },
    h("h1", { id: "code-title" }, "Код из SMS"),
    h("p", {}, `Мы отправили код на номер ${showPhone(phone)}. Он действует ${Math.round(sent.expiresIn / 60)} мин.`),
    field("Код", codeInput, "6 цифр"),
    h("button", { type: "submit" }, "Войти"),
    resend,
    h("button", { type: "button", class: "link", onclick: () => showSignIn(main, signedIn) }, "Другой номер"),
    status.element,
  );
  onSubmit(form, async (data) => {
    status.busy();
    try {
      const answer = await run("SignIn", { phone, code: data.get("code").trim() });
      clearInterval(tick);
      startSession(answer.signIn);
      signedIn();
    } catch (error) {
      status.fail(...refusal(error));
    }
  });
  replace(main, form);
  codeInput.focus();
}
