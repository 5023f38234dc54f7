/** @jsxImportSource hono/jsx */
import { useI18n } from "./i18n";
import { Field, FormError, Layout } from "./layout";

export function AuthPage(p: { mode: "login" | "signup"; next: string }) {
  const { t } = useI18n();
  const login = p.mode === "login";
  const other = `${login ? "/signup" : "/login"}${p.next === "/checkout" ? "" : `?next=${encodeURIComponent(p.next)}`}`;
  return (
    <Layout title={t(login ? "auth.login.title" : "auth.signup.title")} user={null} nav={p.mode}>
      <div class="narrow">
        <h1>{t(login ? "auth.login.title" : "auth.signup.heading")}</h1>
        <p class="lead">{t(login ? "auth.login.lead" : "auth.signup.lead")}</p>
        <form class="card" data-auth={login ? "/api/auth/login" : "/api/auth/signup"} data-next={p.next} novalidate>
          <FormError />
          {login ? null : <Field name="name" label={t("auth.name")} autocomplete="name" maxlength={50} required autofocus />}
          <Field name="email" label={t("auth.email")} type="email" autocomplete="email" required autofocus={login} />
          <Field
            name="password"
            label={t("auth.password")}
            type="password"
            autocomplete={login ? "current-password" : "new-password"}
            hint={login ? undefined : t("auth.password.hint")}
            required
          />
          <button type="submit" class="primary block">
            {t(login ? "auth.login.submit" : "auth.signup.submit")}
          </button>
        </form>
        <p>
          {`${t(login ? "auth.login.other" : "auth.signup.other")} `}
          <a href={other}>{t(login ? "auth.login.otherLink" : "auth.signup.otherLink")}</a>
        </p>
      </div>
    </Layout>
  );
}
