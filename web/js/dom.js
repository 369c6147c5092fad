// Elements built with text nodes only: nothing the server or a person typed is ever parsed
// as HTML, so a name like "<img onerror=...>" stays a name.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      element.className = value;
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

// A labelled form control: the label names it for screen readers and takes clicks.
let fieldCount = 0;
export function field(labelText, control, hint) {
  fieldCount += 1;
  control.id ||= `field-${fieldCount}`;
  const hintElement = hint ? h("small", { id: `${control.id}-hint`, class: "hint" }, hint) : null;
  if (hintElement) control.setAttribute("aria-describedby", hintElement.id);
  return h("div", { class: "field" }, h("label", { for: control.id }, labelText), control, hintElement);
}

export function option(value, text, selected = false) {
  return h("option", { value, selected }, text);
}

// A region that shows what is going on: a spinner text, a result, or an error (announced).
export function statusLine() {
  const element = h("p", { class: "status", role: "status", "aria-live": "polite" });
  return {
    element,
    busy(text = "Подождите…") {
      element.className = "status busy";
      element.setAttribute("role", "status");
      replace(element, text);
    },
    ok(...content) {
      element.className = "status ok";
      element.setAttribute("role", "status");
      replace(element, ...content);
    },
    fail(...content) {
      element.className = "status error";
      element.setAttribute("role", "alert");
      replace(element, ...content);
    },
    clear() {
      element.className = "status";
      replace(element);
    },
  };
}

// Runs a form's action once at a time: the submit button is disabled while it runs.
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll("button");
    buttons.forEach((button) => (button.disabled = true));
    try {
      await action(new FormData(form));
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  });
  return form;
}
