//! A report body with its mentions: confirmed ones as links; for editors, suggestions marked
//! in place with confirm / reject / link-elsewhere forms (no JavaScript).

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::domain::{EntryKind, MentionMethod, MentionState};
use crate::linking::store::ShownMention;
use crate::web::layout::csrf_field;
use crate::web::url::encode_component;

/// The body text with mentions woven in. Newlines are kept by CSS (`white-space: pre-line`).
pub fn body_with_mentions(ctx: &Ctx, body: &str, mentions: &[ShownMention]) -> Markup {
    let text: Vec<char> = body.chars().collect();
    let show_suggestions = ctx.can_edit();
    let mut shown: Vec<&ShownMention> = mentions
        .iter()
        .filter(|ShownMention { mention: m, .. }| {
            m.state == MentionState::Confirmed.as_str()
                || (show_suggestions && m.state == MentionState::Suggested.as_str())
        })
        .filter(|ShownMention { mention: m, .. }| {
            m.start_char >= 0 && (m.end_char as usize) <= text.len() && m.start_char < m.end_char
        })
        .collect();
    shown.sort_by_key(|s| s.mention.start_char);
    // Text and mention segments in order; an overlapping mention is skipped.
    let mut segments: Vec<(String, Option<&ShownMention>)> = Vec::new();
    let mut pos = 0usize;
    for m in shown {
        let (s, e) = (m.mention.start_char as usize, m.mention.end_char as usize);
        if s < pos {
            continue;
        }
        segments.push((text[pos..s].iter().collect(), None));
        segments.push((text[s..e].iter().collect(), Some(m)));
        pos = e;
    }
    segments.push((text[pos.min(text.len())..].iter().collect(), None));
    html! {
        div.body-text.pre {
            @for (surface, m) in &segments {
                @match m {
                    None => { (surface) }
                    Some(ShownMention { mention: m, target }) => {
                        @let target = target.as_ref();
                        @if m.state == MentionState::Confirmed.as_str() {
                            @if let Some(t) = target { a.mention href={ "/e/" (t.slug) } title=(t.name) { (surface) } } @else { (surface) }
                        } @else {
                            mark.suggestion id={ "m" (m.id) } title=(target.map(|t| t.name.as_str()).unwrap_or(ctx.t("새 항목 후보", "new entry candidate"))) { (surface) }
                            sup { a href={ "#review-" (m.id) } { "?" } }
                        }
                    }
                }
            }
        }
    }
}

/// A "link to another entry" that could not be done: which suggestion, what the editor typed
/// (shown again in its field) and why, shown beside that field.
#[derive(Debug, Clone)]
pub struct LinkAttempt {
    pub mention_id: i64,
    pub other: String,
    pub error: String,
}

/// A stored label (`MentionMethod`, `EntryKind`) in the reader's language; an unknown value
/// as it is.
fn label_of<T: std::str::FromStr>(
    ctx: &Ctx,
    stored: &str,
    labels: impl Fn(T) -> (&'static str, &'static str),
) -> String {
    match stored.parse::<T>() {
        Ok(v) => {
            let (ko, en) = labels(v);
            ctx.t(ko, en).to_string()
        }
        Err(_) => stored.to_string(),
    }
}

/// The review list below the body (editors): each suggestion with its forms, and `attempt`
/// shown at its row.
pub fn review_list(
    ctx: &Ctx,
    report_slug: &str,
    mentions: &[ShownMention],
    attempt: Option<&LinkAttempt>,
) -> Markup {
    let method = |m: &str| label_of(ctx, m, |v: MentionMethod| (v.label_ko(), v.label_en()));
    let kind = |k: &str| label_of(ctx, k, |v: EntryKind| (v.label_ko(), v.label_en()));
    let suggested: Vec<&ShownMention> = mentions
        .iter()
        .filter(|s| s.mention.state == MentionState::Suggested.as_str())
        .collect();
    let confirmed = mentions
        .iter()
        .filter(|s| s.mention.state == MentionState::Confirmed.as_str())
        .count();
    html! {
        section #mentions {
            h2 { (ctx.t("언급된 항목 검토", "Review mentions")) }
            p.muted {
                (ctx.t("확인된 연결 ", "Confirmed links: ")) (confirmed) " · " (ctx.t("검토할 제안 ", "Suggestions to review: ")) (suggested.len())
                " "
                form.inline method="post" action={ "/reports/" (report_slug) "/relink" } {
                    (csrf_field(ctx)) button type="submit" { (ctx.t("다시 찾기", "Suggest again")) }
                }
            }
            @if !suggested.is_empty() {
                table {
                    thead { tr { th { (ctx.t("본문", "Text")) } th { (ctx.t("제안", "Suggestion")) } th { (ctx.t("방법", "How")) } th {} } }
                    tbody {
                        @for ShownMention { mention: m, target } in &suggested {
                            tr id={ "review-" (m.id) } {
                                td { a href={ "#m" (m.id) } { (m.surface) } }
                                td {
                                    @match target {
                                        Some(e) => { a href={ "/e/" (e.slug) } { (e.name) } }
                                        None => { (ctx.t("새 항목 후보", "New entry candidate")) @if let Some(k) = &m.candidate_kind { " (" (kind(k)) ")" } }
                                    }
                                }
                                td { (method(&m.method)) " · " (format!("{:.0}%", m.confidence * 100.0)) }
                                td {
                                    @if m.entry_id.is_some() {
                                        form.inline method="post" action={ "/mentions/" (m.id) "/confirm" } { (csrf_field(ctx)) button type="submit" { (ctx.t("맞음", "Confirm")) } }
                                        " "
                                    }
                                    form.inline method="post" action={ "/mentions/" (m.id) "/reject" } { (csrf_field(ctx)) button type="submit" { (ctx.t("아님", "Reject")) } }
                                    @let failed = attempt.filter(|a| a.mention_id == m.id);
                                    @let field = format!("link-{}", m.id);
                                    // The fragment brings the editor back to this row when the
                                    // page comes back with an error.
                                    form.inline.field-error[failed.is_some()] method="post" action={ "/mentions/" (m.id) "/link#review-" (m.id) } {
                                        (csrf_field(ctx))
                                        " " input id=(field) type="text" name="other" value=[failed.map(|a| a.other.as_str())]
                                            aria-label=(ctx.t("연결할 다른 항목의 이름, 별칭 또는 주소", "Name, alias or address of the entry to link"))
                                            placeholder=(ctx.t("다른 항목 이름", "another entry")) size="12"
                                            aria-invalid=[failed.map(|_| "true")] aria-describedby=[failed.map(|_| format!("{field}-error"))];
                                        button type="submit" { (ctx.t("에 연결", "Link")) }
                                        @if let Some(a) = failed { " " span.error-text id={ (field) "-error" } { (a.error) } }
                                    }
                                    @if m.entry_id.is_none() {
                                        " " a href={ "/entries/new?kind=" (m.candidate_kind.as_deref().unwrap_or("enterprise")) "&name=" (encode_component(&m.surface)) } { (ctx.t("항목 만들기", "Create entry")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
