//! The itinerary on a map: an SVG route over faint district outlines, its total length, and
//! the same facts as a table (stop, place, time, leg) for readers who cannot see the drawing.

use maud::{Markup, html};

use crate::auth::extract::Ctx;
use crate::compare::svg::{RoutePoint, route_map};
use crate::reports::route::Route;
use crate::web::url::encode_component;

/// "약 1.6 km" with one decimal.
pub fn km(v: f64) -> String {
    format!("{v:.1} km")
}

/// The route section, or nothing when no stop has coordinates.
pub fn route_section(ctx: &Ctx, route: &Route, outlines: &[crate::boundary::Area]) -> Markup {
    let Some(total) = route.length_km() else {
        return html! {};
    };
    let points: Vec<RoutePoint> = route
        .located()
        .filter_map(|s| {
            let (lat, lng) = s.at?;
            Some(RoutePoint {
                number: s.number,
                label: s.place.clone(),
                lat,
                lng,
            })
        })
        .collect();
    let unlocated = route.stops.len() - points.len();
    let desc = format!(
        "탐방 경로 지도: 일정 {}곳 가운데 좌표가 있는 {}곳을 순서대로 이은 선, 총 이동 거리 약 {}. 자세한 내용은 아래 표에 있습니다.",
        route.stops.len(),
        points.len(),
        km(total)
    );
    html! {
        section.route {
            h3 { (ctx.t("탐방 경로", "Route")) }
            p {
                strong { (ctx.t("총 이동 거리", "Total distance")) " 약 " (km(total)) }
                " " span.muted { (ctx.t("(직선 거리의 합)", "(sum of straight-line legs)")) }
            }
            (route_map(ctx.t("탐방 경로", "Visit route"), &desc, outlines, &points))
            @if unlocated > 0 {
                p.muted {
                    (ctx.t("좌표가 없는 곳은 지도에 그리지 않았습니다: ", "Stops without coordinates are not drawn: "))
                    (unlocated) (ctx.t("곳", ""))
                }
            }
            table.route-table {
                caption { (ctx.t("경로의 구간", "Legs of the route")) }
                thead { tr {
                    th scope="col" { (ctx.t("순서", "Stop")) }
                    th scope="col" { (ctx.t("장소", "Place")) }
                    th scope="col" { (ctx.t("시각", "Time")) }
                    th scope="col" { (ctx.t("구간 거리", "Leg")) }
                } }
                tbody {
                    @for s in &route.stops {
                        tr {
                            td { (s.number) }
                            td {
                                @if let Some(slug) = &s.slug { a href={ "/e/" (encode_component(slug)) } { (s.place) } }
                                @else { (s.place) }
                                @if s.at.is_none() { " " span.muted { (ctx.t("(좌표 없음)", "(no coordinates)")) } }
                            }
                            td { @if let Some(t) = s.time { (t.format("%H:%M")) } }
                            td { @if let Some(l) = s.leg_km { (km(l)) } }
                        }
                    }
                }
                tfoot { tr { th scope="row" colspan="3" { (ctx.t("합계", "Total")) } td { (km(total)) } } }
            }
        }
    }
}
