/** @jsxImportSource hono/jsx */
import { Field, FormError, Layout } from "./layout";

export function AuthPage(p: { mode: "login" | "signup"; next: string }) {
  const login = p.mode === "login";
  const other = `${login ? "/signup" : "/login"}${p.next === "/checkout" ? "" : `?next=${encodeURIComponent(p.next)}`}`;
  return (
    <Layout title={login ? "Log in" : "Sign up"} user={null} nav={p.mode}>
      <div class="narrow">
        <h1>{login ? "Log in" : "Create your account"}</h1>
        <p class="lead">
          {login
            ? "Welcome back. Log in to buy and to see your payments."
            : "An account keeps your orders and payment history together."}
        </p>
        <form class="card" data-auth={login ? "/api/auth/login" : "/api/auth/signup"} data-next={p.next} novalidate>
          <FormError />
          {login ? null : <Field name="name" label="Name" autocomplete="name" maxlength={50} required autofocus />}
          <Field name="email" label="Email" type="email" autocomplete="email" required autofocus={login} />
          <Field
            name="password"
            label="Password"
            type="password"
            autocomplete={login ? "current-password" : "new-password"}
            hint={login ? undefined : "At least 10 characters."}
            required
          />
          <button type="submit" class="primary block">
            {login ? "Log in" : "Create account"}
          </button>
        </form>
        <p>
          {login ? "New to pocketpay? " : "Already have an account? "}
          <a href={other}>{login ? "Create an account" : "Log in"}</a>
        </p>
      </div>
    </Layout>
  );
}
