//! The compare page and the map page.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::compare::figures::DistrictFigures;
use crate::compare::routes::AsOfField;
use crate::compare::rows::{Figure, best, show, stand_outs};
use crate::compare::svg::{Bar, MapArea, bar_chart, map};
use crate::web::form::input;
use crate::web::layout::page;

/// The date field of the compare and map forms (GET, no script): empty means today.
fn as_of_input(ctx: &Ctx, field: &AsOfField) -> Markup {
    input(
        ctx.t("기준일 (비우면 오늘)", "As of (empty: today)"),
        "as_of",
        "date",
        &field.input,
        &field.errors,
    )
}

/// Which day the figures describe, and what "as of" takes into account.
fn as_of_note(ctx: &Ctx, field: &AsOfField) -> Markup {
    html! {
        @if let Some(d) = field.date {
            p.notice {
                strong { (d) (ctx.t(" 기준", "")) }
                (ctx.t(
                    " (그날 끝, 한국 시간): 그날까지 등록되고 폐업·삭제되지 않은 항목을 그때의 유형·자치구·인증 구분으로 셉니다(변경 이력으로 되돌려 계산). 탐방은 탐방일(없으면 게시일)이 그날 이전인 보고서, 최근 확인은 그날까지 12개월, 인구는 그해 이전의 가장 최근 연도 수치입니다.",
                    " (end of that day, Korea time): entries recorded by then and not closed or deleted by then, under the kind, district and certification they had then (replayed from the change history). Visits count reports visited (else published) by then, verification the 12 months up to the day, population the latest year up to that year.",
                ))
            }
        } @else {
            p.muted { (ctx.t("오늘 기준입니다. 폐업한 항목은 세지 않습니다.", "As of today. Closed entries are not counted.")) }
        }
    }
}

fn figure_select(ctx: &Ctx, figs: &[Figure], current: &str) -> Markup {
    html! {
        label {
            (ctx.t("그래프로 볼 수치", "Figure to chart"))
            select name="figure" {
                @for f in figs { option value=(f.key) selected[f.key == current] { (ctx.t(&f.label_ko, &f.label_en)) } }
            }
        }
    }
}

/// A chart of one figure across all districts, with its data table.
pub fn chart_section(ctx: &Ctx, fig: &Figure, all: &[DistrictFigures]) -> Markup {
    let bars: Vec<Bar> = all
        .iter()
        .map(|f| Bar {
            label: f.district.name.clone(),
            value: (fig.value)(f).unwrap_or(0.0),
            href: None,
        })
        .collect();
    let title = ctx.t(&fig.label_ko, &fig.label_en).to_string();
    html! {
        figure.chart {
            (bar_chart(&title, &bars, fig.decimals))
            figcaption { (title) " — " (ctx.t("서울 25개 자치구", "Seoul's 25 districts")) }
        }
        details {
            summary { (ctx.t("표로 보기", "As a table")) }
            table {
                thead { tr { th { (ctx.t("자치구", "District")) } th { (title) } } }
                tbody { @for f in all { tr { td { (f.district.name) } td { (show(fig, (fig.value)(f))) } } } }
            }
        }
    }
}

/// Centers named in a district's column of the compare table; the rest are counted, with a
/// link to the district's list of centers (a district has one or two; a directory that
/// records more would otherwise fill the table with them).
const CENTERS_SHOWN: usize = 3;

/// `GET /compare`
pub fn compare_page(
    ctx: &Ctx,
    all: &[DistrictFigures],
    chosen: &[&DistrictFigures],
    figs: &[Figure],
    chart: &Figure,
    query: &str,
    field: &AsOfField,
) -> Markup {
    let stand = stand_outs(figs, chosen);
    page(
        ctx,
        ctx.t("자치구 비교", "Compare districts"),
        html! {
            h1 { (ctx.t("자치구와 지원센터 비교", "Compare districts and their centers")) }
            form.filters method="get" action="/compare" {
                fieldset {
                    legend { (ctx.t("비교할 자치구 (2~6곳)", "Districts to compare (2–6)")) }
                    @for f in all {
                        label.check {
                            input type="checkbox" name="d" value=(f.code) checked[chosen.iter().any(|c| c.code == f.code)];
                            " " (f.district.name)
                        }
                    }
                }
                (figure_select(ctx, figs, &chart.key))
                (as_of_input(ctx, field))
                button type="submit" { (ctx.t("비교하기", "Compare")) }
            }
            (as_of_note(ctx, field))
            @if chosen.is_empty() {
                p.muted { (ctx.t("비교할 자치구를 고르세요.", "Pick districts to compare.")) }
            } @else {
                p {
                    a href={ "/compare.csv?" (query) } { (ctx.t("표 내려받기 (CSV, 엑셀)", "Download the table (CSV, Excel)")) }
                    " · " a href={ "/compare?" (query) } { (ctx.t("이 비교의 주소", "Link to this comparison")) }
                }
                @if !stand.is_empty() {
                    h2 { (ctx.t("눈에 띄는 점", "What stands out")) }
                    ul.plain { @for (ko, en) in &stand { li { (ctx.t(ko, en)) } } }
                }
                div.table-scroll {
                    table.compare {
                        thead {
                            tr { th { (ctx.t("수치", "Figure")) } @for c in chosen { th { a href={ "/e/" (c.district.slug) } { (c.district.name) } } } }
                        }
                        tbody {
                            tr {
                                th { (ctx.t("지원센터", "Support center")) }
                                @for c in chosen {
                                    td {
                                        @if c.centers.is_empty() { "—" }
                                        @for center in c.centers.iter().take(CENTERS_SHOWN) {
                                            div {
                                                a href={ "/e/" (center.slug) } { (center.name) }
                                                @if let Some(d) = &center.detail {
                                                    @if let Some(o) = d.opened_on { br; span.muted { (ctx.t("개소 ", "opened ")) (o) } }
                                                    @if let Some(m) = &d.operating_mode { br; span.muted { (m.parse::<crate::domain::CenterMode>().map(|m| ctx.t(m.label_ko(), m.label_en())).unwrap_or(m)) } }
                                                    @if let Some(h) = &d.head { br; span.muted { (h) } }
                                                }
                                            }
                                        }
                                        @if let Some(more) = c.centers.len().checked_sub(CENTERS_SHOWN).filter(|n| *n > 0) {
                                            div.muted {
                                                (ctx.t("외 ", "and ")) (more) (ctx.t("곳", " more"))
                                                @if field.date.is_none() {
                                                    " · " a href={ "/centers?district=" (c.district.id) } { (ctx.t("모두 보기 →", "see all →")) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            tr { th { (ctx.t("인구", "Population")) } @for c in chosen { td { (c.population.map(|p| p.to_string()).unwrap_or_else(|| "—".into())) } } }
                            @for fig in figs {
                                @let winners = best(fig, chosen);
                                tr {
                                    th { (ctx.t(&fig.label_ko, &fig.label_en)) }
                                    @for (i, c) in chosen.iter().enumerate() {
                                        @let v = show(fig, (fig.value)(c));
                                        td class=[winners.contains(&i).then_some("best")] {
                                            @match &fig.link { Some(link) => { a href=(link(c)) { (v) } } None => { (v) } }
                                            @if winners.contains(&i) { " " span.badge title=(ctx.t("가장 높음", "Highest")) { "★" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (ctx.t(&chart.label_ko, &chart.label_en)) }
            (chart_section(ctx, chart, all))
            p {
                a href={ "/map?figure=" (chart.key) @if let Some(d) = field.date { "&as_of=" (d) } } { (ctx.t("지도로 보기", "Show on the map")) } " · "
                a href="/coverage" { (ctx.t("지원센터가 있는 자치구", "Center coverage")) }
            }
        },
    )
}

/// `GET /map`
pub fn map_page(
    ctx: &Ctx,
    figs: &[Figure],
    fig: &Figure,
    areas: &[MapArea],
    all: &[DistrictFigures],
    field: &AsOfField,
) -> Markup {
    let title = ctx.t(&fig.label_ko, &fig.label_en).to_string();
    page(
        ctx,
        ctx.t("지도", "Map"),
        html! {
            h1 { (ctx.t("자치구 지도", "District map")) ": " (title) }
            form.filters method="get" action="/map" {
                (figure_select(ctx, figs, &fig.key))
                (as_of_input(ctx, field))
                button type="submit" { (ctx.t("보기", "Show")) }
            }
            (as_of_note(ctx, field))
            @if areas.iter().all(|a| a.rings.is_empty()) {
                p.muted { (ctx.t("경계 자료가 없어 자치구 중심점에 원으로 표시합니다 (tambang import boundaries 로 불러올 수 있습니다).", "No boundaries loaded: bubbles on district centroids (load them with tambang import boundaries).")) }
            }
            figure.map { (map(&title, areas, fig.decimals)) }
            (chart_section(ctx, fig, all))
            p.muted { "경계: 서울시 도로명주소 행정구역 (2015)" }
        },
    )
}

/// `GET /coverage`: which districts have a support center, since when, and which do not.
pub fn coverage_page(ctx: &Ctx, all: &[DistrictFigures]) -> Markup {
    let with: Vec<&DistrictFigures> = all.iter().filter(|f| !f.centers.is_empty()).collect();
    let without: Vec<&DistrictFigures> = all.iter().filter(|f| f.centers.is_empty()).collect();
    page(
        ctx,
        ctx.t("지원센터가 있는 자치구", "Center coverage"),
        html! {
            h1 { (ctx.t("지원센터가 있는 자치구", "Which districts have a support center")) }
            p.notice {
                (ctx.t("디렉터리에 등록된 기준: ", "As recorded in the directory: "))
                strong { (all.len()) (ctx.t("개 자치구 중 ", " districts, ")) (with.len()) (ctx.t("곳", " with a center")) }
                (ctx.t("에 사회적경제지원센터가 있습니다.", "."))
            }
            table {
                thead { tr { th { (ctx.t("자치구", "District")) } th { (ctx.t("지원센터", "Center")) } th { (ctx.t("개소", "Opened")) } th { (ctx.t("운영 방식", "Operating mode")) } } }
                tbody {
                    @for f in &with {
                        @for c in &f.centers {
                            @let d = &c.detail;
                            tr {
                                td { a href={ "/e/" (f.district.slug) } { (f.district.name) } }
                                td { a href={ "/e/" (c.slug) } { (c.name) } }
                                td { @if let Some(o) = d.as_ref().and_then(|d| d.opened_on) { (o) } @else { "—" } }
                                td { @if let Some(m) = d.as_ref().and_then(|d| d.operating_mode.clone()) { (m.parse::<crate::domain::CenterMode>().map(|m| ctx.t(m.label_ko(), m.label_en())).unwrap_or(&m)) } @else { "—" } }
                            }
                        }
                    }
                }
            }
            h2 { (ctx.t("센터가 등록되지 않은 자치구", "Districts without a recorded center")) " (" (without.len()) ")" }
            p { @for (i, f) in without.iter().enumerate() { @if i > 0 { " · " } a href={ "/e/" (f.district.slug) } { (f.district.name) } } }
            p.muted { (ctx.t("센터의 개소일과 종료일은 각 센터 항목에 날짜로 기록합니다.", "Opening and closing dates are kept as dated facts on each center's entry.")) }
        },
    )
}
