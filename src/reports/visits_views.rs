//! `GET /visits`: the visit network as a table (visitor → host, how often, when, returned or
//! not), a directed graph in SVG (entries on a circle, arrows from visitor to host, thicker
//! for more visits), the most-visited entries, and the takeaways the visits produced.

use std::collections::HashMap;
use std::f64::consts::PI;

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::directory::views::entry_link;
use crate::entities::entry;
use crate::reports::visits::{PAIRS_PER_PAGE, VisitNetwork, VisitPair};
use crate::web::layout::page;
use crate::web::pagination::{self, Pager};
use crate::web::url::encode_component;

const SIZE: f64 = 560.0;
const NODE_R: f64 = 9.0;

fn name_of(entries: &HashMap<i64, entry::Model>, id: i64) -> String {
    entries
        .get(&id)
        .map_or_else(|| format!("#{id}"), |e| e.name.clone())
}

/// The network as SVG: node `i` of `n` on a circle, an arrow per visiting pair.
pub fn network_svg(ctx: &Ctx, net: &VisitNetwork) -> Markup {
    let mut nodes: Vec<i64> = net.graph.iter().flat_map(|p| [p.visitor, p.host]).collect();
    nodes.sort_by_key(|id| name_of(&net.entries, *id));
    nodes.dedup();
    let (c, radius) = (SIZE / 2.0, SIZE / 2.0 - 110.0);
    let at: HashMap<i64, (f64, f64)> = nodes
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let a = -PI / 2.0 + 2.0 * PI * i as f64 / nodes.len() as f64;
            (*id, (c + radius * a.cos(), c + radius * a.sin()))
        })
        .collect();
    let edge = |p: &VisitPair| -> Option<String> {
        let ((x1, y1), (x2, y2)) = (*at.get(&p.visitor)?, *at.get(&p.host)?);
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = dx.hypot(dy).max(1e-9);
        let (ux, uy) = (dx / len, dy / len);
        // Stop at the rims; a returned visit bends to one side so both arrows show.
        let (sx, sy) = (x1 + ux * NODE_R, y1 + uy * NODE_R);
        let (ex, ey) = (x2 - ux * (NODE_R + 4.0), y2 - uy * (NODE_R + 4.0));
        let bend = if p.reciprocated { 0.18 * len } else { 0.0 };
        let (mx, my) = ((sx + ex) / 2.0 - uy * bend, (sy + ey) / 2.0 + ux * bend);
        Some(format!("M{sx:.1},{sy:.1} Q{mx:.1},{my:.1} {ex:.1},{ey:.1}"))
    };
    let shown = if net.graph.len() as u64 == net.pairs_total {
        String::new()
    } else {
        format!(
            " 전체 {}개 중 가장 잦은 {}개를 그렸습니다.",
            net.pairs_total,
            net.graph.len()
        )
    };
    let desc = format!(
        "방문 관계 그래프: {}개 기관, {}개의 방향 있는 방문 관계.{shown} 화살표는 방문한 곳에서 방문받은 곳으로 향하고, 굵을수록 방문이 잦습니다. 같은 내용이 아래 표에 있습니다.",
        nodes.len(),
        net.graph.len()
    );
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (SIZE) " " (SIZE) } role="img" aria-labelledby="net-title net-desc" class="chart network" {
            title id="net-title" { (ctx.t("방문 관계", "Visit network")) }
            desc id="net-desc" { (desc) }
            defs {
                marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse" {
                    path d="M0,0 L10,5 L0,10 z" fill="#146c5a" {}
                }
            }
            @for p in &net.graph {
                @if let Some(d) = edge(p) {
                    path class="edge" d=(d) fill="none" stroke="#146c5a" stroke-opacity="0.75"
                        stroke-width=(format!("{:.1}", (1.0 + 1.5 * p.reports.len() as f64).min(8.0))) marker-end="url(#arrow)" {
                        title { (name_of(&net.entries, p.visitor)) " → " (name_of(&net.entries, p.host)) ": " (p.reports.len()) "회" }
                    }
                }
            }
            @for id in &nodes {
                @let (x, y) = at[id];
                @let anchor = if (x - c).abs() < 1.0 { "middle" } else if x > c { "start" } else { "end" };
                @let lx = x + (x - c) / radius * 14.0;
                @let ly = y + (y - c) / radius * 14.0 + 4.0;
                g class="node" {
                    circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(NODE_R) fill="#ffffff" stroke="#146c5a" stroke-width="2" {}
                    text x=(format!("{lx:.1}")) y=(format!("{ly:.1}")) text-anchor=(anchor) font-size="11" { (name_of(&net.entries, *id)) }
                }
            }
        }
    }
}

/// `GET /visits`
pub fn visits_page(ctx: &Ctx, net: &VisitNetwork) -> Markup {
    let pager = Pager {
        page: net.page,
        per_page: PAIRS_PER_PAGE,
        total: net.pairs_total,
    };
    let link = |id: i64| match net.entries.get(&id) {
        Some(e) => entry_link(e),
        None => html! { "#" (id) },
    };
    page(
        ctx,
        ctx.t("방문 관계", "Visits"),
        html! {
            h1 { (ctx.t("방문 관계", "Visits")) }
            p.muted {
                (ctx.t("어느 기관이 어느 곳을 언제, 몇 번 방문했는지와 답방 여부. 공개된 보고서 기준",
                       "Which organisation visited which, when, how often, and whether the visit was returned. From published reports"))
                @if ctx.can_edit() { (ctx.t("과 예정된 탐방", " and planned visits")) }
                "."
            }
            @if net.pairs_total == 0 {
                p { (ctx.t("아직 방문 기록이 없습니다.", "No visits recorded yet.")) }
            } @else {
                (network_svg(ctx, net))
                @if (net.graph.len() as u64) < net.pairs_total {
                    p.muted {
                        (ctx.t("그래프는 가장 잦은 방문 관계 ", "The graph shows the "))
                        (net.graph.len())
                        (ctx.t("개만 보여 줍니다. 전체 ", " most frequent pairs of "))
                        (net.pairs_total)
                        (ctx.t("개는 아래 표에 있습니다.", "; the table below has them all."))
                    }
                }
                table.visits {
                    caption {
                        (ctx.t("방문한 곳 → 방문받은 곳", "Visitor → host"))
                        " (" (net.pairs_total) (ctx.t("쌍", " pairs")) ")"
                    }
                    thead { tr {
                        th scope="col" { (ctx.t("방문한 곳", "Visitor")) }
                        th scope="col" { (ctx.t("방문받은 곳", "Host")) }
                        th scope="col" { (ctx.t("횟수", "Visits")) }
                        th scope="col" { (ctx.t("일시와 보고서", "When (report)")) }
                        th scope="col" { (ctx.t("답방", "Returned")) }
                    } }
                    tbody {
                        @for p in &net.pairs {
                            tr.visit-pair {
                                td { (link(p.visitor)) }
                                td { (link(p.host)) }
                                td.count { (p.reports.len()) }
                                td {
                                    @for (i, r) in p.reports.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        a href={ "/reports/" (encode_component(&r.slug)) } title=(r.title) {
                                            @if let Some(v) = r.visited_at { (ctx.date(v.date())) } @else { (r.title) }
                                        }
                                        @if r.state == "planned" { " " span.badge { (ctx.t("예정", "planned")) } }
                                    }
                                }
                                td.reciprocated { @if p.reciprocated { (ctx.t("예", "yes")) } @else { (ctx.t("아니요", "no")) } }
                            }
                        }
                    }
                }
                (pagination::nav(ctx, "/visits", pager))
                h2 { (ctx.t("가장 많이 방문받은 곳", "Most visited")) }
                ol {
                    @for (id, n) in &net.most_visited {
                        li { (link(*id)) " — " (n) (ctx.t("회", if *n == 1 { " visit" } else { " visits" })) }
                    }
                }
                h2 { (ctx.t("방문에서 나온 배운 점과 할 일", "Takeaways from the visits")) }
                @if net.takeaways.is_empty() {
                    p.muted { (ctx.t("아직 없습니다.", "None yet.")) }
                } @else {
                    @if (net.takeaways.len() as u64) < net.takeaways_total {
                        p.muted {
                            (ctx.t("최근 방문의 ", "The latest visits' "))
                            (net.takeaways.len())
                            (ctx.t("건 (전체 ", " (of "))
                            (net.takeaways_total)
                            (ctx.t("건, ", "; "))
                            a href="/takeaways" { (ctx.t("모두 보기", "see all")) }
                            ")"
                        }
                    }
                    table {
                        thead { tr {
                            th scope="col" { (ctx.t("내용", "Takeaway")) }
                            th scope="col" { (ctx.t("보고서", "Report")) }
                            th scope="col" { (ctx.t("상태", "State")) }
                        } }
                        tbody {
                            @for t in &net.takeaways {
                                tr {
                                    td { (t.takeaway.lesson) }
                                    td { a href={ "/reports/" (encode_component(&t.report.slug)) } { (t.report.title) } }
                                    td.nowrap { @if t.takeaway.done { (ctx.t("완료", "Done")) } @else { (ctx.t("진행 중", "Open")) } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
