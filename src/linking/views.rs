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
    let len = body.chars().count();
    let show_suggestions = ctx.can_edit();
    let mut shown: Vec<&ShownMention> = mentions
        .iter()
        .filter(|ShownMention { mention: m, .. }| {
            m.state == MentionState::Confirmed.as_str()
                || (show_suggestions && m.state == MentionState::Suggested.as_str())
        })
        .filter(|ShownMention { mention: m, .. }| {
            m.start_char >= 0 && m.start_char < m.end_char && (m.end_char as usize) <= len
        })
        .collect();
    shown.sort_by_key(|s| s.mention.start_char);
    // Text and mention segments in order, as slices of the body: its characters are walked
    // once, forwards, to turn the mentions' character offsets into byte offsets. A mention that
    // runs past the end, or overlaps the one before, is skipped.
    let mut segments: Vec<(&str, Option<&ShownMention>)> = Vec::with_capacity(2 * shown.len() + 1);
    let mut starts = body.char_indices().map(|(at, _)| at).chain([body.len()]);
    // The last character asked for and its byte offset; `starts` stands just after it.
    let mut last: Option<(usize, usize)> = None;
    let mut byte_of = |char_no: usize| -> Option<usize> {
        let skip = match last {
            Some((c, byte)) if c == char_no => return Some(byte),
            Some((c, _)) => char_no.checked_sub(c + 1)?,
            None => char_no,
        };
        let byte = starts.nth(skip)?;
        last = Some((char_no, byte));
        Some(byte)
    };
    let (mut pos, mut pos_char) = (0usize, 0usize);
    for m in shown {
        let (s, e) = (m.mention.start_char as usize, m.mention.end_char as usize);
        if s < pos_char {
            continue;
        }
        // Both are within the body (filtered above) and at or after the last one asked for.
        let (Some(start), Some(end)) = (byte_of(s), byte_of(e)) else {
            break;
        };
        segments.push((&body[pos..start], None));
        segments.push((&body[start..end], Some(m)));
        (pos, pos_char) = (end, e);
    }
    segments.push((&body[pos..], None));
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
            div.muted {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linking::store::{MentionRow, Target};

    fn mention(id: i64, start: i32, end: i32, state: MentionState) -> ShownMention {
        ShownMention {
            mention: MentionRow {
                id,
                entry_id: Some(id),
                start_char: start,
                end_char: end,
                surface: String::new(),
                method: "exact_name".into(),
                confidence: 1.0,
                state: state.as_str().into(),
                candidate_kind: None,
            },
            target: Some(Target {
                slug: format!("e{id}"),
                name: format!("<항목 {id}>"),
            }),
        }
    }

    /// The segments as the page drew them before (the body copied into characters, each
    /// segment collected into a string), for comparison.
    fn reference(body: &str, mentions: &[ShownMention]) -> String {
        let text: Vec<char> = body.chars().collect();
        let mut shown: Vec<&ShownMention> = mentions
            .iter()
            .filter(|s| s.mention.state == MentionState::Confirmed.as_str())
            .filter(|s| {
                let m = &s.mention;
                m.start_char >= 0
                    && (m.end_char as usize) <= text.len()
                    && m.start_char < m.end_char
            })
            .collect();
        shown.sort_by_key(|s| s.mention.start_char);
        let mut out = String::new();
        let mut pos = 0usize;
        for s in shown {
            let (a, b) = (s.mention.start_char as usize, s.mention.end_char as usize);
            if a < pos {
                continue;
            }
            let before: String = text[pos..a].iter().collect();
            let surface: String = text[a..b].iter().collect();
            let t = s.target.as_ref().unwrap();
            out +=
                &html! { (before) a.mention href={ "/e/" (t.slug) } title=(t.name) { (surface) } }
                    .into_string();
            pos = b;
        }
        let rest: String = text[pos.min(text.len())..].iter().collect();
        out += &html! { (rest) }.into_string();
        format!("<div class=\"body-text pre\">{out}</div>")
    }

    #[test]
    fn mentions_are_woven_in_at_their_characters() {
        let body = "와디즈와 소영씨스토어, <b>&</b> 바른참에서";
        let ms = [
            mention(1, 0, 3, MentionState::Confirmed),
            mention(2, 5, 11, MentionState::Confirmed),
            // Adjacent to the one before, overlapping it, a suggestion (readers do not see
            // it), and one past the end.
            mention(3, 11, 12, MentionState::Confirmed),
            mention(4, 10, 14, MentionState::Confirmed),
            mention(5, 21, 24, MentionState::Suggested),
            mention(6, 21, 99, MentionState::Confirmed),
        ];
        let html = body_with_mentions(&Ctx::anonymous(), body, &ms).into_string();
        assert_eq!(html, reference(body, &ms));
        assert!(html.contains(r#"<a class="mention" href="/e/e2" title="&lt;항목 2&gt;">소영씨스토어</a><a class="mention" href="/e/e3""#), "{html}");
        assert!(
            html.contains("&lt;b&gt;&amp;&lt;/b&gt; 바른참에서</div>"),
            "{html}"
        );
    }

    #[test]
    fn any_set_of_mentions_is_drawn_as_before() {
        let words = [
            "와디즈",
            "a",
            "é",
            "😀",
            " ",
            "\n",
            "<&>",
            "성동구사회적경제지원센터",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n.max(1)
        };
        for _ in 0..500 {
            let body: String = (0..next(30)).map(|_| words[next(8) as usize]).collect();
            let len = body.chars().count() as u64;
            let ms: Vec<ShownMention> = (0..next(8))
                .map(|id| {
                    let start = next(len + 2) as i32;
                    let end = start + next(6) as i32;
                    let state = if next(5) == 0 {
                        MentionState::Suggested
                    } else {
                        MentionState::Confirmed
                    };
                    mention(id as i64, start, end, state)
                })
                .collect();
            assert_eq!(
                body_with_mentions(&Ctx::anonymous(), &body, &ms).into_string(),
                reference(&body, &ms),
                "{body:?} {:?}",
                ms.iter()
                    .map(|m| (m.mention.start_char, m.mention.end_char))
                    .collect::<Vec<_>>()
            );
        }
    }
}
