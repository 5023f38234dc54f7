import { api } from "./api";
import { qs, qsa } from "./dom";
import { clearErrors, showErrors } from "./form-errors";

/** Sign up, log in (forms with data-auth="/api/auth/…"), and every log-out button. */
export function setUpAuth() {
  for (const form of qsa<HTMLFormElement>("form[data-auth]")) {
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const button = qs<HTMLButtonElement>("button[type=submit]", form)!;
      if (button.disabled) return;
      clearErrors(form);
      button.disabled = true;
      const body: Record<string, string> = {};
      for (const input of qsa<HTMLInputElement>("input[name]", form)) body[input.name] = input.value;
      const res = await api("POST", form.getAttribute("data-auth")!, body);
      if (res.status === 200 || res.status === 201) {
        location.assign(form.getAttribute("data-next") || "/checkout");
        return;
      }
      button.disabled = false;
      showErrors(form, res, { email_taken: "email" });
    });
  }

  for (const button of qsa<HTMLButtonElement>("[data-logout]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      await api("POST", "/api/auth/logout");
      location.assign("/login");
    });
  }
}
