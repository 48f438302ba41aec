//! Pure view functions for directory pages: data in, markup out.

use maud::{Markup, html};

use crate::audit::queries::History;
use crate::auth::extract::Ctx;
use crate::directory::edit_views::{EditPanel, edit_panel};
use crate::directory::queries::{Details, EntryPage, LinkView};
use crate::domain::{
    AliasType, CenterMode, CertType, EntryKind, EntryStatus, LinkType, OutletChannel, SocialPurpose,
};
use crate::entities::entry;
use crate::web::layout::page;

/// Korean label of a stored enumeration value; the raw value if it is unknown.
fn label<T: std::str::FromStr + Copy>(
    raw: &str,
    ko: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
    ctx: &Ctx,
) -> String {
    raw.parse::<T>()
        .map(|v| ctx.t(ko(v), en(v)).to_string())
        .unwrap_or_else(|_| raw.to_string())
}

/// A link to an entry page.
pub fn entry_link(e: &entry::Model) -> Markup {
    html! { a href={ "/e/" (e.slug) } { (e.name) } }
}

/// `GET /e/{slug}`: an entry with its details, aliases, links both ways and reports.
pub fn entry_page(ctx: &Ctx, p: &EntryPage) -> Markup {
    entry_page_with_panel(ctx, p, Some((&EditPanel::default(), ctx.is_admin())))
}

/// The entry page; editors also see the edit panel (`panel`: its state, and whether the user
/// is an admin).
pub fn entry_page_with_panel(
    ctx: &Ctx,
    p: &EntryPage,
    panel: Option<(&EditPanel, bool)>,
) -> Markup {
    let can_edit = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.role.rank() >= crate::domain::Role::Editor.rank());
    let e = &p.entry;
    let kind = e.kind.parse::<EntryKind>().ok();
    page(
        ctx,
        &e.name,
        html! {
            p.muted {
                @if let Some(k) = kind { a href={ "/" (k.plural()) } { (k.label_ko()) } }
                " · " (label::<EntryStatus>(&e.status, EntryStatus::label_ko, EntryStatus::label_en, ctx))
            }
            h1 { (e.name) @if let Some(en) = &e.name_en { " " span.en { (en) } } }
            @if let Some(desc) = &e.description { p { (desc) } }
            dl.facts {
                @if let Some(d) = &p.district { dt { (ctx.t("자치구", "District")) } dd { (entry_link(d)) } }
                @if let Some(a) = &e.address { dt { (ctx.t("주소", "Address")) } dd { (a) } }
                @if let (Some(lat), Some(lng)) = (e.lat, e.lng) { dt { (ctx.t("좌표", "Coordinates")) } dd { (format!("{lat:.5}, {lng:.5}")) } }
                @if let Some(w) = &e.website { dt { (ctx.t("웹사이트", "Website")) } dd { (external_link(w)) } }
                @if ctx.can_see_contacts() {
                    @if let Some(ph) = &e.phone { dt { (ctx.t("전화", "Phone")) } dd { (ph) } }
                    @if let Some(m) = &e.email { dt { (ctx.t("이메일", "E-mail")) } dd { (m) } }
                }
                @if let Some(d) = e.founded_on { dt { (ctx.t("설립", "Founded")) } dd { (ctx.date(d)) } }
                @if let Some(d) = e.last_verified_on { dt { (ctx.t("최근 확인", "Last verified")) } dd { (ctx.date(d)) } }
                (details(ctx, &p.details))
                @if let Some(s) = &e.source { dt { (ctx.t("출처", "Source")) } dd { (s) } }
            }
            @if !p.aliases.is_empty() {
                h2 { (ctx.t("다른 이름", "Aliases")) }
                // A div, not a p: a form inside a p would end the paragraph in the browser's
                // parser, and the delete buttons would fall out of their chips.
                div.chips {
                    @for a in &p.aliases {
                        span.chip title=(label::<AliasType>(&a.alias_type, AliasType::label_ko, AliasType::label_en, ctx)) {
                            (a.name)
                            @if can_edit {
                                form.inline method="post" action={ "/e/" (e.slug) "/aliases/" (a.id) "/delete" } {
                                    (crate::web::layout::csrf_field(ctx))
                                    button type="submit" title=(ctx.t("별칭 지우기", "Remove alias")) aria-label={ (a.name) (ctx.t(" 지우기", ": remove")) } { "×" }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.in_district.is_empty() {
                h2 { (ctx.t("이 자치구의 항목", "In this district")) }
                @for (kind, n, first) in &p.in_district {
                    h3 { (ctx.t(kind.label_ko(), kind.label_en())) " " span.muted { (crate::web::format::thousands(*n)) (ctx.t("곳", "")) } }
                    p {
                        @for (i, x) in first.iter().enumerate() { @if i > 0 { " · " } (entry_link(x)) }
                        @if *n > first.len() as u64 {
                            " · " a href={ "/" (kind.plural()) "?district=" (e.id) } { (ctx.t("모두 보기 →", "See all →")) }
                        }
                    }
                }
            }
            h2 { (ctx.t("연결", "Links")) }
            @if p.links.is_empty() { p.muted { (ctx.t("연결된 항목이 없습니다.", "No linked entries.")) } }
            @else {
                ul.plain {
                    @for l in &p.links {
                        li {
                            (link_line(ctx, l))
                            @if can_edit {
                                " "
                                form.inline method="post" action={ "/e/" (e.slug) "/links/" (l.link.id) "/delete" } {
                                    (crate::web::layout::csrf_field(ctx))
                                    button type="submit" { "연결 끊기" }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.nearby.is_empty() {
                h2 { (ctx.t("1km 안의 다른 곳", "Within 1 km")) }
                ul.plain {
                    @for (n, d) in &p.nearby {
                        li { (entry_link(n)) " " span.muted { (format!("{:.0} m", d)) } }
                    }
                }
            }
            @if !p.mentioned_in.is_empty() {
                h2 { (ctx.t("언급된 보고서", "Mentioned in")) " (" (crate::web::format::thousands(p.mentioned_total)) ")" }
                @if p.mentioned_total > p.mentioned_in.len() as u64 {
                    p.muted { (ctx.t("가장 최근에 작성된 ", "The latest ")) (p.mentioned_in.len()) (ctx.t("편입니다.", " are listed.")) }
                }
                ul.plain {
                    @for (r, snippet) in &p.mentioned_in {
                        li { a href={ "/reports/" (r.slug) } { (r.title) } br; span.muted { "… " (snippet) " …" } }
                    }
                }
            }
            h2 { (ctx.t("탐방 보고서", "Reports")) }
            @if p.reports.is_empty() { p.muted { (ctx.t("이 항목이 나오는 보고서가 아직 없습니다.", "No report names this entry as a host, visitor or stop yet.")) } }
            @else {
                ul.plain {
                    @for r in &p.reports {
                        li {
                            a href={ "/reports/" (r.report.slug) } { (r.report.title) }
                            @for role in &r.roles { " " span.chip { (role) } }
                        }
                    }
                }
            }
            @if can_edit && let Some((state, is_admin)) = panel {
                (edit_panel(ctx, e, state, is_admin))
            }
            (history(ctx, &p.history))
        },
    )
}

/// Only http(s) URLs become links; anything else (e.g. `javascript:`) is shown as text.
fn external_link(url: &str) -> Markup {
    let lower = url.trim().to_ascii_lowercase();
    html! {
        @if lower.starts_with("https://") || lower.starts_with("http://") {
            a href=(url.trim()) rel="noopener noreferrer" { (url) }
        } @else { (url) }
    }
}

fn link_line(ctx: &Ctx, l: &LinkView) -> Markup {
    let ty = l.link.link_type.parse::<LinkType>().ok();
    let phrase = match (ty, l.outgoing) {
        (Some(t), true) => ctx.t(t.label_ko(), t.label_en()).to_string(),
        (Some(t), false) => ctx
            .t(t.reverse_label_ko(), t.reverse_label_en())
            .to_string(),
        (None, _) => l.link.link_type.clone(),
    };
    html! {
        span.chip { (phrase) } " " (entry_link(&l.other))
        @if let Some(since) = l.link.since { " " span.muted { "(" (ctx.t("", "since ")) (ctx.date(since)) (ctx.t("부터", "")) ")" } }
    }
}

fn details(ctx: &Ctx, d: &Details) -> Markup {
    html! {
        @match d {
            Details::District(dd) => {
                dt { (ctx.t("행정구역 코드", "Area code")) } dd { (dd.code) }
                dt { (ctx.t("시·도", "City")) } dd { (dd.city) }
                @if let Some(p) = dd.population { dt { (ctx.t("인구", "Population")) } dd { (ctx.people(p)) @if let Some(y) = dd.population_year { " (" (y) ")" } } }
            }
            Details::Center(c, operator) => {
                @if let Some(m) = &c.operating_mode { dt { (ctx.t("운영 방식", "Operating mode")) } dd { (label::<CenterMode>(m, CenterMode::label_ko, CenterMode::label_en, ctx)) } }
                @if let Some(op) = operator { dt { (ctx.t("운영 기관", "Operator")) } dd { (entry_link(op)) } }
                @if let Some(h) = &c.head { dt { (ctx.t("센터장", "Head")) } dd { (h) } }
                @if let Some(o) = c.opened_on { dt { (ctx.t("개소", "Opened")) } dd { (ctx.date(o)) } }
                @if let Some(f) = &c.focus_areas { dt { (ctx.t("중점 분야", "Focus areas")) } dd { @for a in f.split(',') { span.chip { (a.trim()) } } } }
            }
            Details::Enterprise(en) => {
                dt { (ctx.t("기업 유형", "Type")) } dd { (label::<CertType>(&en.cert_type, CertType::label_ko, CertType::label_en, ctx)) }
                @if let Some(n) = &en.cert_no { dt { (ctx.t("인증번호", "Certification no.")) } dd { (n) } }
                @if let Some(n) = &en.biz_reg_no { dt { (ctx.t("사업자등록번호", "Business reg. no.")) } dd { (n) } }
                @if let Some(d) = en.cert_date { dt { (ctx.t("인증일", "Certified on")) } dd { (ctx.date(d)) @if let Some(r) = en.cert_round { " (" (ctx.t("", "round ")) (r) (ctx.t("차", "")) ")" } } }
                @if let Some(r) = &en.representative { dt { (ctx.t("대표자", "Representative")) } dd { (r) } }
                @if let Some(s) = &en.social_purpose { dt { (ctx.t("사회적 목적 유형", "Social purpose")) } dd { (label::<SocialPurpose>(s, SocialPurpose::label_ko, SocialPurpose::label_en, ctx)) } }
                @if let Some(s) = &en.service_field { dt { (ctx.t("사회서비스 분야", "Service field")) } dd { (s) } }
                @if let Some(b) = &en.business { dt { (ctx.t("사업 내용", "Business")) } dd { (b) } }
            }
            Details::Outlet(o, operator) => {
                dt { (ctx.t("판로 유형", "Channel")) } dd { (label::<OutletChannel>(&o.channel, OutletChannel::label_ko, OutletChannel::label_en, ctx)) }
                @if let Some(op) = operator { dt { (ctx.t("운영 기관", "Operator")) } dd { (entry_link(op)) } }
                @if let Some(u) = &o.url { dt { (ctx.t("온라인 주소", "URL")) } dd { (external_link(u)) } }
            }
            Details::Program(pr, sponsor) => {
                @if let Some(s) = sponsor { dt { (ctx.t("후원·운영", "Sponsor")) } dd { (entry_link(s)) } }
                @if let Some(p) = &pr.period { dt { (ctx.t("기간", "Period")) } dd { (p) } }
            }
            Details::None => {}
        }
    }
}

/// The change history of a page's rows, newest first, for signed-in readers: its lines name
/// who made each change (an e-mail address) and carry every value changed — phone numbers and
/// e-mail addresses too, which the page itself shows only to them. Others are told it is
/// there (a report page does not even read it for them).
pub fn history(ctx: &Ctx, changes: &History) -> Markup {
    let rows = &changes.rows;
    html! {
        details.history {
            summary {
                "변경 기록 " span.en { "History" }
                @if ctx.can_see_contacts() { " (" (rows.len()) ")" }
            }
            @if !ctx.can_see_contacts() {
                p.muted { (ctx.t(
                    "변경 기록은 로그인하면 볼 수 있습니다. 누가 바꾸었는지와 연락처가 들어 있기 때문입니다.",
                    "Sign in to see the history: it names who made each change and holds contact details.",
                )) }
            }
            @else if rows.is_empty() { p.muted { (ctx.t("기록된 변경이 없습니다.", "No changes recorded.")) } }
            @else {
                table {
                    thead { tr { th { (ctx.t("때", "When")) } th { (ctx.t("누가", "Who")) } th { (ctx.t("바뀐 내용", "What changed")) } } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { (crate::web::format::in_korea(r.at).format("%Y-%m-%d %H:%M")) br; span.muted { (crate::admin::views::table_name(r)) } }
                                td { (crate::admin::views::actor_name(r)) }
                                td { (crate::admin::views::change_lines(r, &changes.referred)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
