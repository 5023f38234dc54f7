/** @jsxImportSource hono/jsx */
import type { UserRow } from "../db/schema";
import type { presentAdmin, presentRoleChange } from "../services/present";
import { Field, FormError, Layout } from "./layout";
import { When } from "./payment-parts";

// The administrators page: who is one, every grant and revoke, and granting or revoking one. Its forms post JSON to
// /api/admin/roles through the page script's generic form handler (the data-auth forms: fields as a JSON body,
// errors beside the fields, then data-next), so the API's rules are the only rules.

export type AdminEntry = ReturnType<typeof presentAdmin>;
export type RoleChangeEntry = ReturnType<typeof presentRoleChange>;

const roleName = (r: string | null) => (r === "admin" ? "administrator" : r === "user" ? "buyer" : "new account");

export function AdminRolesPage(v: { user: UserRow; admins: AdminEntry[]; changes: RoleChangeEntry[] }) {
  return (
    <Layout title="Administrators" user={v.user} admin nav="admin" wide>
      <p>
        <a href="/admin/payments">← All payments</a>
      </p>
      <h1>Administrators</h1>
      <p class="lead">Administrators can see every payment, refund, and grant or revoke these rights. Every change is recorded below.</p>

      <section class="card" aria-labelledby="grant-title">
        <h2 id="grant-title">Grant administrator rights</h2>
        <form data-auth="/api/admin/roles" data-next="/admin/roles" novalidate>
          <FormError />
          <Field name="email" label="Email of an existing account" type="email" autocomplete="off" maxlength={254} required />
          <input type="hidden" name="role" value="admin" />
          <button type="submit" class="primary">
            Grant
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="admins-title">
        <h2 id="admins-title">Current administrators</h2>
        <div class="table-wrap" role="region" aria-label="Administrators" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Since (KST)</th>
                <th scope="col">Granted by</th>
                <th scope="col">Action</th>
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
                      <span class="muted">you</span>
                    ) : (
                      <form data-auth="/api/admin/roles" data-next="/admin/roles">
                        <FormError />
                        <input type="hidden" name="email" value={a.email} />
                        <input type="hidden" name="role" value="user" />
                        <button type="submit" class="danger" aria-label={`Revoke administrator rights of ${a.email}`}>
                          Revoke
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
        <h2 id="changes-title">Grants and revokes</h2>
        {v.changes.length === 0 ? (
          <p class="empty">No changes yet.</p>
        ) : (
          <ol class="timeline">
            {v.changes.map((c) => (
              <li>
                <When at={c.at} />{" "}
                {`${c.email}: ${roleName(c.from)} → ${roleName(c.to)}, by ${c.by}`}
              </li>
            ))}
          </ol>
        )}
      </section>
    </Layout>
  );
}
