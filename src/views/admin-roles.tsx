/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import type { I18n } from "../i18n";
import type { presentAdmin, presentRoleChange } from "../services/present";
import { useI18n } from "./i18n";
import { Field, FormError, Layout } from "./layout";
import { When } from "./payment-parts";

// The administrators page: who is one, every grant and revoke, and granting or revoking one. Its forms post JSON to
// /api/admin/roles through the page script's generic form handler (the data-auth forms: fields as a JSON body,
// errors beside the fields, then data-next), so the API's rules are the only rules.

export type AdminEntry = ReturnType<typeof presentAdmin>;
export type RoleChangeEntry = ReturnType<typeof presentRoleChange>;

const roleName = ({ t }: I18n, r: string | null) => t(r === "admin" ? "role.admin" : r === "user" ? "role.user" : "role.none");

export function AdminRolesPage(v: { user: UserRow; admins: AdminEntry[]; changes: RoleChangeEntry[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <Layout title={t("admin.roles.title")} user={v.user} admin nav="admin" wide>
      <p>
        <a href="/admin/payments">{t("admin.payment.back")}</a>
      </p>
      <h1>{t("admin.roles.title")}</h1>
      <p class="lead">{t("admin.roles.lead")}</p>

      <section class="card" aria-labelledby="grant-title">
        <h2 id="grant-title">{t("admin.roles.grantTitle")}</h2>
        <form data-auth="/api/admin/roles" data-next="/admin/roles" novalidate>
          <FormError />
          <Field name="email" label={t("admin.roles.email")} type="email" autocomplete="off" maxlength={254} required />
          <input type="hidden" name="role" value="admin" />
          <button type="submit" class="primary">
            {t("admin.roles.grant")}
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="admins-title">
        <h2 id="admins-title">{t("admin.roles.currentTitle")}</h2>
        <div class="table-wrap" role="region" aria-label={t("admin.roles.region")} tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("admin.roles.col.email")}</th>
                <th scope="col">{t("admin.roles.col.name")}</th>
                <th scope="col">{t("admin.roles.col.since")}</th>
                <th scope="col">{t("admin.roles.col.grantedBy")}</th>
                <th scope="col">{t("admin.roles.col.action")}</th>
              </tr>
            </thead>
            <tbody>
              {v.admins.map((a) => (
                <tr>
                  <td>{a.email}</td>
                  <td>{a.name}</td>
                  <td>
                    <When at={a.since} />
                  </td>
                  <td>{a.granted_by ?? "—"}</td>
                  <td>
                    {a.email === v.user.email ? (
                      <span class="muted">{t("admin.roles.you")}</span>
                    ) : (
                      <form data-auth="/api/admin/roles" data-next="/admin/roles">
                        <FormError />
                        <input type="hidden" name="email" value={a.email} />
                        <input type="hidden" name="role" value="user" />
                        <button type="submit" class="danger" aria-label={t("admin.roles.revokeLabel", { email: a.email })}>
                          {t("admin.roles.revoke")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section class="card" aria-labelledby="changes-title">
        <h2 id="changes-title">{t("admin.roles.changesTitle")}</h2>
        {v.changes.length === 0 ? (
          <p class="empty">{t("admin.roles.noChanges")}</p>
        ) : (
          <ol class="timeline">
            {v.changes.map((c) => (
              <li>
                <When at={c.at} />{" "}
                {t("admin.roles.change", { email: c.email, from: roleName(i18n, c.from), to: roleName(i18n, c.to), by: c.by ?? "—" })}
              </li>
            ))}
          </ol>
        )}
      </section>
    </Layout>
  );
}
