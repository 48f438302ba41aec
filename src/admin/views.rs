//! Admin views.

use maud::{Markup, html};

use crate::audit::queries::{Change, History, RecentFilter, Referred};
use crate::audit::{labels, shown};
use crate::auth::extract::Ctx;
use crate::domain::Role;
use crate::entities::user;
use crate::web::form::{FieldErrors, input};
use crate::web::format::in_korea;
use crate::web::layout::{csrf_field, page};

/// What the new-user form shows again after a failed submit.
#[derive(Debug, Default)]
pub struct NewUserForm {
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub errors: FieldErrors,
}

/// `GET /admin`
pub fn admin_index(ctx: &Ctx) -> Markup {
    page(
        ctx,
        "관리",
        html! {
            h1 { "관리 " span.en { "Administration" } }
            ul.plain {
                li { a href="/admin/users" { "사용자와 역할" } " " span.en { "Users and roles" } }
                li { a href="/admin/audit" { "최근 변경 기록" } " " span.en { "Recent changes" } }
                li { a href="/admin/geo" { "주소·좌표 불일치" } " " span.en { "Address / coordinate conflicts" } }
            }
        },
    )
}

/// The role picker; `label` names it where no `label` element wraps it (a row of the users
/// table: "역할: someone@example.org").
fn role_select(name: &str, current: &str, label: Option<&str>) -> Markup {
    html! {
        select name=(name) aria-label=[label] {
            @for r in Role::ALL {
                option value=(r.as_str()) selected[r.as_str() == current] { (r.label_ko()) " (" (r.label_en()) ")" }
            }
        }
    }
}

/// `GET /admin/users`
pub fn users_page(ctx: &Ctx, users: &[user::Model], form: &NewUserForm) -> Markup {
    page(
        ctx,
        "사용자와 역할",
        html! {
            h1 { "사용자와 역할 " span.en { "Users and roles" } }
            table {
                thead { tr { th { "이메일" } th { "이름" } th { "역할" } th { "마지막 로그인" } } }
                tbody {
                    @for u in users {
                        tr {
                            td { (u.email) }
                            td { @if let Some(n) = &u.display_name { (n) } }
                            td {
                                form.inline method="post" action={ "/admin/users/" (u.id) "/role" } {
                                    (csrf_field(ctx))
                                    (role_select("role", &u.role, Some(&format!("역할 (Role): {}", u.email)))) " "
                                    button type="submit" { "바꾸기" }
                                }
                            }
                            td { @if let Some(t) = u.last_login_at { (in_korea(t).format("%Y-%m-%d %H:%M")) } @else { "—" } }
                        }
                    }
                }
            }
            h2 { "새 사용자 " span.en { "New user" } }
            form.stacked method="post" action="/admin/users" {
                (csrf_field(ctx))
                (input("이메일", "email", "email", &form.email, &form.errors))
                (input("이름 (선택)", "display_name", "text", &form.display_name, &form.errors))
                div class=[form.errors.get("role").map(|_| "field-error")] {
                    label { "역할" (role_select("role", if form.role.is_empty() { "viewer" } else { &form.role }, None))
                        @if let Some(e) = form.errors.get("role") { span.error-text { (e) } } }
                }
                (input("처음 비밀번호 (10자 이상)", "password", "password", "", &form.errors))
                div { button type="submit" { "만들기" } }
            }
        },
    )
}

/// One audit row's changes as `field: old → new` lines, named as the forms name them
/// (`audit::labels`); the stored name of a field or code is its tooltip.
pub fn change_lines(row: &Change, referred: &Referred) -> Markup {
    let fields = row.changes.as_ref().and_then(|c| c.as_object());
    let table = row.table_name.as_str();
    let value = |field: &str, v: Option<&serde_json::Value>| -> Markup {
        let code = v
            .and_then(serde_json::Value::as_str)
            .and_then(|s| labels::value(table, field, s));
        let entry = v
            .and_then(serde_json::Value::as_i64)
            .filter(|_| labels::refers_to_entry(field))
            .map(|id| (id, referred.get(id)));
        match (code, entry, v) {
            (_, Some((id, Some((slug, name)))), _) => {
                html! { a href={ "/e/" (slug) } title={ "#" (id) } { (name) } }
            }
            // An entry deleted since: its number, marked as such.
            (_, Some((id, None)), _) => html! { "#" (id) " " span.muted { "(삭제됨)" } },
            (Some(label), _, _) => html! { span title=(shown(v)) { (label) } },
            (None, None, Some(serde_json::Value::Bool(b))) => {
                html! { (if *b { "예" } else { "아니오" }) }
            }
            (None, None, _) => {
                let stored = shown(v);
                match readable(v) {
                    Some(r) => html! { span title=(stored) { (r) } },
                    None => html! { (stored) },
                }
            }
        }
    };
    html! {
        ul.plain {
            @for (field, pair) in fields.into_iter().flatten() {
                li {
                    @match labels::field(table, field) {
                        Some(label) => { span title=(field) { (label) } }
                        None => { code { (field) } }
                    }
                    ": " (value(field, pair.get(0))) " → " (value(field, pair.get(1)))
                }
            }
        }
    }
}

/// A stored value as a person reads it, when that differs from how it is stored: an instant on
/// the Korean clock (2026-12-07 13:10, not 2026-12-07T04:10:11.31Z), a wall-clock time without
/// its `T`, a list of words as words (벤치마킹, 판로 — not `["벤치마킹","판로"]`).
fn readable(v: Option<&serde_json::Value>) -> Option<String> {
    use serde_json::Value;
    match v? {
        Value::String(s) => {
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
                let t = in_korea(t.with_timezone(&chrono::Utc));
                return Some(t.format("%Y-%m-%d %H:%M").to_string());
            }
            let t = s.parse::<chrono::NaiveDateTime>().ok()?;
            Some(t.format("%Y-%m-%d %H:%M").to_string())
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
            let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            Some(shown(Some(&Value::String(words.join(", ")))).into_owned())
        }
        _ => None,
    }
}

/// Who made a change: a user's e-mail, or a process (`linker`, `cli`) by what it does, the
/// stored name as its tooltip.
pub fn actor_name(row: &Change) -> Markup {
    html! {
        @match labels::actor(&row.actor) {
            Some(label) => span title=(row.actor) { (label) },
            None => (row.actor),
        }
    }
}

/// The table of an audit row as a person calls it, the stored name as its tooltip.
pub fn table_name(row: &Change) -> Markup {
    html! {
        span title=(row.table_name) { (labels::table(&row.table_name).unwrap_or(&row.table_name)) }
    }
}

/// `GET /admin/audit`
pub fn changes_page(
    ctx: &Ctx,
    changes: &History,
    users: &[user::Model],
    filter: &RecentFilter,
) -> Markup {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows = &changes.rows;
    page(
        ctx,
        "최근 변경 기록",
        html! {
            h1 { "최근 변경 기록 " span.en { "Recent changes" } }
            form.stacked method="get" action="/admin/audit" {
                label { "사용자"
                    select name="user" {
                        option value="" { "모두" }
                        @for u in users { option value=(u.id) selected[filter.user_id == Some(u.id)] { (u.email) } }
                    }
                }
                label { "시작일" input type="date" name="from" value=(date(filter.from)); }
                label { "종료일" input type="date" name="to" value=(date(filter.to)); }
                div { button type="submit" { "보기" } }
            }
            @if rows.is_empty() { p.muted { "해당하는 변경이 없습니다." } }
            @else {
                table {
                    thead { tr { th { "때" } th { "누가" } th { "무엇" } th { "바뀐 내용" } } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { (in_korea(r.at).format("%Y-%m-%d %H:%M:%S")) }
                                td { (actor_name(r)) }
                                td { (table_name(r)) " #" (r.row_id) " " span.chip { (r.action.parse::<crate::domain::AuditAction>().map(|a| a.label_ko()).unwrap_or(&r.action)) } }
                                td { (change_lines(r, &changes.referred)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_values_read_as_people_write_them() {
        let r = |v: serde_json::Value| readable(Some(&v));
        // Stored in UTC, shown on the Korean clock.
        assert_eq!(
            r(json!("2026-12-07T04:10:11.314271605Z")).as_deref(),
            Some("2026-12-07 13:10")
        );
        // A visit's wall-clock time stays as it was written.
        assert_eq!(
            r(json!("2023-12-11T10:00:00")).as_deref(),
            Some("2023-12-11 10:00")
        );
        assert_eq!(
            r(json!(["벤치마킹", "판로", "CSR"])).as_deref(),
            Some("벤치마킹, 판로, CSR")
        );
        // Anything else is shown as stored.
        assert_eq!(r(json!("소영씨스토어")), None);
        assert_eq!(r(json!("2023-12-11")), None);
        assert_eq!(r(json!(7)), None);
        assert_eq!(r(json!([1, 2])), None);
        assert_eq!(readable(None), None);
    }
}
