//! Pure view functions for the search page and the search API's JSON.

use maud::{Markup, PreEscaped, html};
use serde::Serialize;

use crate::auth::extract::Ctx;
use crate::search::queries::{CANDIDATES, EntryHit, SearchResults};
use crate::search::terms::{SearchQuery, segments, snippet};
use crate::web::lang::Lang;
use crate::web::layout::page;

/// `text` with every occurrence of a term wrapped in `<mark>`. Each run goes through maud's
/// escaping, so user text never becomes markup.
pub fn highlight(text: &str, terms: &[String]) -> Markup {
    html! {
        @for (run, hit) in segments(text, terms) {
            @if hit { mark { (run) } } @else { (run) }
        }
    }
}

/// The text shown under an entry: a snippet of the first field (description, address,
/// English name) that holds a term.
fn entry_snippet(hit: &EntryHit, terms: &[String]) -> Option<String> {
    [&hit.description, &hit.address, &hit.name_en]
        .into_iter()
        .flatten()
        .find_map(|text| snippet(text, terms))
}

/// The search box; `id` keeps labels unique when the header box is on the same page.
pub fn search_form(ctx: &Ctx, id: &str, value: &str) -> Markup {
    html! {
        form.search method="get" action="/search" role="search" {
            label for=(id) { (ctx.t("검색", "Search")) }
            input id=(id) type="search" name="q" value=(value) maxlength="800"
                placeholder=(ctx.t("이름, 약칭, 주소, 보고서 내용", "names, aliases, addresses, reports"));
            button type="submit" { (ctx.t("찾기", "Find")) }
        }
    }
}

/// `GET /search`
///
/// `results_html` is [`results_section`] of the query's results in the reader's language: the
/// same for every reader of that language, so the route renders it once per cached search and
/// language.
pub fn search_page(ctx: &Ctx, query: &SearchQuery, results_html: &str) -> Markup {
    let text = query.text();
    let title = match (query.is_empty(), ctx.lang) {
        (true, _) => ctx.t("검색", "Search").to_string(),
        (false, Lang::Ko) => format!("‘{text}’ 검색 결과"),
        (false, Lang::En) => format!("Search results for ‘{text}’"),
    };
    page(
        ctx,
        &title,
        html! {
            h1 { @if ctx.lang == Lang::Ko { "검색 " span.en { "Search" } } @else { "Search" } }
            (search_form(ctx, "search-q", &text))
            @if query.is_empty() {
                p.muted {
                    (ctx.t(
                        "기관·기업 이름이나 약칭(예: 성동사경센터), 주소, 탐방 보고서의 낱말을 입력하세요. 여러 낱말을 띄어 쓰면 모두 들어 있는 것만 찾습니다.",
                        "Type a name or a short form (e.g. 성동사경센터), an address, or words from a visit report. Several words separated by spaces find what holds them all.",
                    ))
                }
            } @else {
                (PreEscaped(results_html))
            }
        },
    )
}

/// The results part of the search page in `lang`: groups by kind, then reports, with the
/// terms marked.
pub fn results_section(lang: Lang, query: &SearchQuery, results: &SearchResults) -> Markup {
    let terms = &query.terms;
    // Entries found without the particles are marked with the terms they were found by.
    let entry_terms = results.entries_as.as_ref().map_or(terms, |q| &q.terms);
    html! {
    @if results.is_empty() {
        p.notice { (lang.pick("검색 결과가 없습니다.", "Nothing found.")) }
    } @else {
        @if let Some(stemmed) = &results.entries_as {
            p.notice {
                @if lang == Lang::Ko {
                    "‘" (query.text()) "’(으)로는 이름이 맞는 항목이 없어, 조사를 뗀 ‘" (stemmed.text())
                    "’(으)로 찾은 항목입니다."
                } @else {
                    "No name matches ‘" (query.text()) "’; these entries were found as ‘"
                    (stemmed.text()) "’, without the particles."
                }
            }
        }
        @for group in &results.groups {
            @let terms = entry_terms;
            section.search-group {
                h2 { (lang.pick(group.kind.label_ko(), group.kind.label_en())) " " span.count { (count(lang, group.total, group.capped)) } }
                ul.plain.hits {
                    @for hit in &group.items {
                        li {
                            a href={ "/e/" (hit.slug) } { (highlight(&hit.name, terms)) }
                            @if let Some(alias) = &hit.matched_alias {
                                " " span.chip { (lang.pick("별칭 ", "alias ")) (highlight(alias, terms)) }
                            }
                            @if let Some(s) = entry_snippet(hit, terms) {
                                br; span.snippet { (highlight(&s, terms)) }
                            }
                        }
                    }
                }
                (more_note(lang, group.total, group.capped, group.items.len()))
            }
        }
        @if results.reports.total > 0 {
            section.search-group {
                h2 { (lang.pick("탐방 보고서", "Visit reports")) " " span.count { (count(lang, results.reports.total, results.reports.capped)) } }
                ul.plain.hits {
                    @for r in &results.reports.items {
                        li {
                            a href={ "/reports/" (r.slug) } { (highlight(&r.title, terms)) }
                            @if let Some(s) = snippet(&r.body, terms) {
                                br; span.snippet { (highlight(&s, terms)) }
                            }
                        }
                    }
                }
                (more_note(lang, results.reports.total, results.reports.capped, results.reports.items.len()))
            }
        }
    }
    }
}

/// "12건", or "1,030건 이상" when the search stopped reading matches (`total` is then what
/// was read of this kind).
fn count(lang: Lang, total: u64, capped: bool) -> String {
    let n = crate::web::format::thousands(total);
    // When capped, only the first `CANDIDATES` matches were read: this kind had `total` among
    // them.
    match (lang, capped) {
        (Lang::Ko, true) => format!("{n}건 이상"),
        (Lang::Ko, false) => format!("{n}건"),
        (Lang::En, true) => format!("at least {n}"),
        (Lang::En, false) => n,
    }
}

fn more_note(lang: Lang, total: u64, capped: bool, shown: usize) -> Markup {
    let read = crate::web::format::thousands(CANDIDATES);
    html! {
        @if capped {
            p.muted {
                @if lang == Lang::Ko {
                    "일치하는 항목이 너무 많아 " (read) "건까지만 살펴 상위 " (shown)
                    "건을 보여 줍니다. 낱말을 더 넣거나 길게 써서 좁혀 보세요."
                } @else {
                    "Too many matches: the first " (read) " were read and the top " (shown)
                    " are shown. Add words or longer ones to narrow it down."
                }
            }
        } @else if total > shown as u64 {
            p.muted { (lang.pick("상위 ", "Only the top ")) (shown) (lang.pick("건만 보입니다. 낱말을 더 넣어 좁혀 보세요.", " are shown. Add words to narrow it down.")) }
        }
    }
}

/// `GET /api/v1/search` response.
#[derive(Debug, Serialize)]
pub struct SearchJson {
    pub query: String,
    /// Present when the query as typed matched no entry and `groups` were found with its
    /// particles taken off (와디즈에서 → 와디즈): that query.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries_searched_as: Option<String>,
    pub groups: Vec<GroupJson>,
    pub reports: ReportsJson,
}

/// Entries of one kind in the API response.
#[derive(Debug, Serialize)]
pub struct GroupJson {
    pub kind: String,
    pub total: u64,
    /// True when more matched than the search reads: `total` is then a lower bound.
    pub capped: bool,
    pub items: Vec<EntryJson>,
}

/// One entry in the API response.
#[derive(Debug, Serialize)]
pub struct EntryJson {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub matched_alias: Option<String>,
}

/// Reports in the API response.
#[derive(Debug, Serialize)]
pub struct ReportsJson {
    pub total: u64,
    /// True when more matched than the search reads: `total` is then a lower bound.
    pub capped: bool,
    pub items: Vec<ReportJson>,
}

/// One report in the API response.
#[derive(Debug, Serialize)]
pub struct ReportJson {
    pub slug: String,
    pub title: String,
}

/// The API shape of a search.
pub fn search_json(query: &SearchQuery, results: SearchResults) -> SearchJson {
    SearchJson {
        query: query.text(),
        entries_searched_as: results.entries_as.as_ref().map(SearchQuery::text),
        groups: results
            .groups
            .into_iter()
            .map(|g| GroupJson {
                kind: g.kind.as_str().to_string(),
                total: g.total,
                capped: g.capped,
                items: g
                    .items
                    .into_iter()
                    .map(|h| EntryJson {
                        slug: h.slug,
                        name: h.name,
                        kind: h.kind.as_str().to_string(),
                        matched_alias: h.matched_alias,
                    })
                    .collect(),
            })
            .collect(),
        reports: ReportsJson {
            total: results.reports.total,
            capped: results.reports.capped,
            items: results
                .reports
                .items
                .into_iter()
                .map(|r| ReportJson {
                    slug: r.slug,
                    title: r.title,
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_escapes_user_text() {
        let html = highlight("<b>x</b> & <b>", &["<b>".to_string()]).into_string();
        assert_eq!(
            html,
            "<mark>&lt;b&gt;</mark>x&lt;/b&gt; &amp; <mark>&lt;b&gt;</mark>"
        );
    }

    #[test]
    fn highlight_marks_latin_case_insensitively() {
        let html = highlight("Wadiz 와디즈", &["wadiz".into(), "와디".into()]).into_string();
        assert_eq!(html, "<mark>Wadiz</mark> <mark>와디</mark>즈");
    }
}
