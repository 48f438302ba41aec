//! Charts and the map as server-rendered SVG (no JavaScript, no tiles, works offline). Every
//! chart carries a title and description; the page puts a data table beside it.

use maud::{Markup, html};

/// One labelled value.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub href: Option<String>,
}

/// A horizontal bar chart, largest first.
pub fn bar_chart(title: &str, bars: &[Bar], decimals: usize) -> Markup {
    let mut bars: Vec<&Bar> = bars.iter().collect();
    bars.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.label.cmp(&b.label)));
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (left, width, row) = (110.0, 560.0, 20.0);
    let height = row * bars.len() as f64 + 10.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (left + width + 70.0) " " (height) } role="img" aria-labelledby="chart-title chart-desc" class="chart" {
            title id="chart-title" { (title) }
            desc id="chart-desc" { (bars.len()) "개 항목의 막대그래프. 값은 아래 표에 있습니다." }
            @for (i, b) in bars.iter().enumerate() {
                @let y = 5.0 + row * i as f64;
                @let w = (b.value / max * width).max(0.0);
                text x=(left - 6.0) y=(y + 13.0) text-anchor="end" font-size="12" { (b.label) }
                rect x=(left) y=(y + 2.0) width=(format!("{w:.1}")) height=(row - 6.0) fill="#146c5a" {}
                text x=(left + w + 4.0) y=(y + 13.0) font-size="12" { (format!("{:.prec$}", b.value, prec = decimals)) }
            }
        }
    }
}

/// Longitude/latitude to SVG coordinates: equirectangular with the longitude squeezed by
/// cos(latitude), which is right at the scale of a city.
pub struct Projection {
    min_x: f64,
    max_y: f64,
    k: f64,
    scale: f64,
    /// Margin around the drawing, in SVG units.
    pub pad: f64,
    /// Width and height of the drawing without the margin.
    pub width: f64,
    pub height: f64,
}

impl Projection {
    /// Fits `(lon, lat)` points into `width` (plus `pad` each side); `None` without points.
    pub fn fit(points: impl IntoIterator<Item = (f64, f64)>, width: f64, pad: f64) -> Option<Self> {
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in points {
            min_x = min_x.min(x);
            max_x = max_x.max(x);
            min_y = min_y.min(y);
            max_y = max_y.max(y);
        }
        if min_x > max_x {
            return None;
        }
        let k = ((min_y + max_y) / 2.0).to_radians().cos();
        let scale = width / ((max_x - min_x) * k).max(1e-9);
        Some(Projection {
            min_x,
            max_y,
            k,
            scale,
            pad,
            width,
            height: (max_y - min_y) * scale,
        })
    }

    /// SVG x of a longitude.
    pub fn x(&self, lon: f64) -> f64 {
        self.pad + (lon - self.min_x) * self.k * self.scale
    }

    /// SVG y of a latitude.
    pub fn y(&self, lat: f64) -> f64 {
        self.pad + (self.max_y - lat) * self.scale
    }

    /// An SVG path of closed rings of `(lon, lat)` in whole units (pixels of a 600-wide
    /// map: a faint outline drawn finer shows nothing more), each ring's first point absolute
    /// and every other one relative to the point before it, rounded first so the rounding
    /// never adds up. A point that rounds to the one before it is left out: it would draw
    /// nothing. Written in tenths and absolute, a route map's outlines were 37 KB of a 56 KB
    /// report page (a kept report page is its HTML); so, 11 KB.
    pub fn path<R: AsRef<[(f64, f64)]>>(&self, rings: &[R]) -> String {
        let mut d = String::new();
        for r in rings {
            let mut last: Option<(i64, i64)> = None;
            for &(x, y) in r.as_ref() {
                let at = (self.x(x).round() as i64, self.y(y).round() as i64);
                let (cmd, (dx, dy)) = match last {
                    None => ('M', at),
                    Some(l) if l == at => continue,
                    Some(l) => ('l', (at.0 - l.0, at.1 - l.1)),
                };
                d.push(cmd);
                push_int(&mut d, dx);
                d.push(',');
                push_int(&mut d, dy);
                last = Some(at);
            }
            if last.is_some() {
                d.push('z');
            }
        }
        d
    }
}

/// Appends a whole number: -183 → "-183". Digit by digit, not through `fmt`: a page's
/// outlines are thousands of numbers, and the formatting machinery was a tenth of a report
/// page's time.
fn push_int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    let mut a = v.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut n = 0;
    loop {
        digits[n] = b'0' + (a % 10) as u8;
        n += 1;
        a /= 10;
        if a == 0 {
            break;
        }
    }
    out.extend(digits[..n].iter().rev().map(|&b| b as char));
}

/// The part of the closed ring `ring` inside the rectangle `[(w, s), (e, n)]`
/// (Sutherland–Hodgman, one rectangle edge at a time). Where the ring leaves the rectangle
/// the result runs along its edge, so it is only for outlines drawn on a view smaller than
/// the rectangle: everything inside the view is drawn exactly as the whole ring would be.
fn clip_ring(ring: &[(f64, f64)], [(w, s), (e, n)]: [(f64, f64); 2]) -> Vec<(f64, f64)> {
    type Inside = fn(&(f64, f64), f64) -> bool;
    type Cross = fn((f64, f64), (f64, f64), f64) -> (f64, f64);
    let at_x = |a: (f64, f64), b: (f64, f64), x: f64| {
        let t = (x - a.0) / (b.0 - a.0);
        (x, a.1 + t * (b.1 - a.1))
    };
    let at_y = |a: (f64, f64), b: (f64, f64), y: f64| {
        let t = (y - a.1) / (b.1 - a.1);
        (a.0 + t * (b.0 - a.0), y)
    };
    let edges: [(Inside, f64, Cross); 4] = [
        (|p, v| p.0 >= v, w, at_x),
        (|p, v| p.0 <= v, e, at_x),
        (|p, v| p.1 >= v, s, at_y),
        (|p, v| p.1 <= v, n, at_y),
    ];
    let mut out: Vec<(f64, f64)> = ring.to_vec();
    for (inside, v, cross) in edges {
        let input = std::mem::take(&mut out);
        let Some(&last) = input.last() else {
            break;
        };
        let mut prev = last;
        for &p in &input {
            match (inside(&p, v), inside(&prev, v)) {
                (true, true) => out.push(p),
                (true, false) => {
                    out.push(cross(prev, p, v));
                    out.push(p);
                }
                (false, true) => out.push(cross(prev, p, v)),
                (false, false) => {}
            }
            prev = p;
        }
    }
    out
}

/// A district on the map: its centroid, optional boundary rings (lon, lat) and value.
pub struct MapArea {
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub rings: Vec<Vec<(f64, f64)>>,
    pub value: Option<f64>,
    pub href: String,
}

const SHADES: [&str; 5] = ["#e6f2ef", "#b7dbd2", "#7fbcad", "#3f9280", "#146c5a"];

/// Rings of a GeoJSON Polygon or MultiPolygon geometry (as stored text).
pub fn rings_of(geojson: &str) -> Vec<Vec<(f64, f64)>> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(geojson) else {
        return Vec::new();
    };
    let geometry = v.get("geometry").unwrap_or(&v);
    let coords = geometry.get("coordinates");
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    match geometry.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => coords
            .and_then(|c| c.as_array())
            .map(|rs| rs.iter().map(ring).collect())
            .unwrap_or_default(),
        Some("MultiPolygon") => coords
            .and_then(|c| c.as_array())
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p.as_array())
                    .flatten()
                    .map(ring)
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A choropleth of the districts when boundaries are loaded, otherwise proportional bubbles
/// on the centroids; a legend either way.
pub fn map(title: &str, areas: &[MapArea], decimals: usize) -> Markup {
    let points = areas.iter().flat_map(|a| {
        a.rings
            .iter()
            .flatten()
            .copied()
            .chain(std::iter::once((a.lng, a.lat)))
    });
    let Some(proj) = Projection::fit(points, 600.0, 20.0) else {
        return html! { p.muted { "지도에 그릴 자치구가 없습니다." } };
    };
    let (w, h, pad) = (proj.width, proj.height, proj.pad);
    let px = |x: f64| proj.x(x);
    let py = |y: f64| proj.y(y);
    let max_v = areas.iter().filter_map(|a| a.value).fold(0.0_f64, f64::max);
    let shade = |v: Option<f64>| match v {
        Some(v) if max_v > 0.0 => SHADES[((v / max_v) * 4.0).round().clamp(0.0, 4.0) as usize],
        _ => "#f4f4f4",
    };
    let choropleth = areas.iter().any(|a| !a.rings.is_empty());
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (w + 2.0 * pad + 150.0) " " (h + 2.0 * pad) } role="img" aria-labelledby="map-title map-desc" class="map" {
            title id="map-title" { (title) }
            desc id="map-desc" { "서울 자치구 지도. 값이 클수록 진한 색입니다. 값은 아래 표에 있습니다." }
            @for a in areas {
                @if choropleth && !a.rings.is_empty() {
                    a href=(a.href) {
                        path class="district" d=(proj.path(&a.rings)) fill=(shade(a.value)) stroke="#ffffff" stroke-width="1" {
                            title { (a.name) ": " (a.value.map(|v| format!("{v:.prec$}", prec = decimals)).unwrap_or_else(|| "—".into())) }
                        }
                    }
                }
            }
            @for a in areas {
                @if !choropleth {
                    @let r = a.value.filter(|_| max_v > 0.0).map_or(2.0, |v| 3.0 + 18.0 * (v / max_v).sqrt());
                    a href=(a.href) {
                        circle cx=(format!("{:.1}", px(a.lng))) cy=(format!("{:.1}", py(a.lat))) r=(format!("{r:.1}")) fill="#146c5a" fill-opacity="0.55" {
                            title { (a.name) ": " (a.value.map(|v| format!("{v:.prec$}", prec = decimals)).unwrap_or_else(|| "—".into())) }
                        }
                    }
                }
                text x=(format!("{:.1}", px(a.lng))) y=(format!("{:.1}", py(a.lat) + 4.0)) text-anchor="middle" font-size="10" { (a.name) }
            }
            g transform={ "translate(" (w + 2.0 * pad) ",20)" } {
                text x="0" y="0" font-size="11" { "범례 (legend)" }
                @if choropleth {
                    @for (i, c) in SHADES.iter().enumerate() {
                        rect x="0" y=(8 + i * 18) width="14" height="14" fill=(c) {}
                        text x="20" y=(19 + i * 18) font-size="10" { (format!("{:.prec$}", max_v * i as f64 / 4.0, prec = decimals)) }
                    }
                } @else {
                    circle cx="10" cy="20" r="21" fill="#146c5a" fill-opacity="0.55" {}
                    text x="36" y="24" font-size="10" { (format!("{max_v:.prec$}", prec = decimals)) }
                }
            }
        }
    }
}

/// True when any point of `rings` lies in the box `[south-west, north-east]` (lon, lat), or a
/// ring's own box covers it — enough to skip districts far outside a route map's view.
fn overlaps(rings: &[Vec<(f64, f64)>], [(w, s), (e, n)]: [(f64, f64); 2]) -> bool {
    rings.iter().any(|r| {
        let (mut rw, mut re, mut rs, mut rn) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (x, y) in r {
            rw = rw.min(*x);
            re = re.max(*x);
            rs = rs.min(*y);
            rn = rn.max(*y);
        }
        rw <= e && w <= re && rs <= n && s <= rn
    })
}

/// A numbered stop of a route map.
pub struct RoutePoint {
    pub number: usize,
    pub label: String,
    pub lat: f64,
    pub lng: f64,
}

/// The stops of a route as numbered markers joined in order by a line, over faint district
/// outlines when boundaries are loaded (`outlines`: rings of `(lon, lat)` per district). The
/// view is fitted to the stops with a margin of at least ~400 m, so a walk across one
/// neighbourhood stays legible; outlines outside the view are clipped by the viewBox.
pub fn route_map<R: AsRef<[Vec<(f64, f64)>]>>(
    title: &str,
    desc: &str,
    outlines: &[R],
    stops: &[RoutePoint],
) -> Markup {
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for s in stops {
        min_x = min_x.min(s.lng);
        max_x = max_x.max(s.lng);
        min_y = min_y.min(s.lat);
        max_y = max_y.max(s.lat);
    }
    if stops.is_empty() {
        return html! {};
    }
    let k = ((min_y + max_y) / 2.0).to_radians().cos();
    // A margin around the stops, then a shape between 5:2 and 4:3 (wide, like the page).
    let margin = ((max_y - min_y).max((max_x - min_x) * k) * 0.15).max(0.004);
    let (mut half_w, mut half_h) = (
        (max_x - min_x) * k / 2.0 + margin,
        (max_y - min_y) / 2.0 + margin,
    );
    half_w = half_w.max(half_h / 0.75);
    half_h = half_h.max(half_w * 0.4);
    let (cx, cy) = ((min_x + max_x) / 2.0, (min_y + max_y) / 2.0);
    let corners = [
        (cx - half_w / k, cy - half_h),
        (cx + half_w / k, cy + half_h),
    ];
    let Some(proj) = Projection::fit(corners, 600.0, 0.0) else {
        return html! {};
    };
    let line: Vec<String> = stops
        .iter()
        .map(|s| format!("{:.1},{:.1}", proj.x(s.lng), proj.y(s.lat)))
        .collect();
    // The outlines cut to the view (and a tenth more each side, so the cut edges and their
    // stroke stay out of sight): a district seen in part is mostly outside a route's view.
    let (slack_x, slack_y) = (half_w / k * 0.1, half_h * 0.1);
    let clip = [
        (corners[0].0 - slack_x, corners[0].1 - slack_y),
        (corners[1].0 + slack_x, corners[1].1 + slack_y),
    ];
    let outline_paths: Vec<String> = outlines
        .iter()
        .map(AsRef::as_ref)
        .filter(|r| overlaps(r, corners))
        .map(|rings| {
            let cut: Vec<Vec<(f64, f64)>> = rings.iter().map(|r| clip_ring(r, clip)).collect();
            proj.path(&cut)
        })
        .filter(|d| !d.is_empty())
        .collect();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (proj.width) " " (format!("{:.1}", proj.height)) } role="img" aria-labelledby="route-title route-desc" class="map route-map" {
            title id="route-title" { (title) }
            desc id="route-desc" { (desc) }
            rect x="0" y="0" width=(proj.width) height=(format!("{:.1}", proj.height)) fill="#fbfbf8" {}
            @for d in &outline_paths {
                path class="outline" d=(d) fill="none" stroke="#c9c9c9" stroke-width="1" {}
            }
            @if stops.len() > 1 {
                polyline class="route" points=(line.join(" ")) fill="none" stroke="#146c5a" stroke-width="3" stroke-linejoin="round" stroke-opacity="0.8" {}
            }
            @for s in stops {
                g class="stop-marker" {
                    title { (s.number) ". " (s.label) }
                    circle cx=(format!("{:.1}", proj.x(s.lng))) cy=(format!("{:.1}", proj.y(s.lat))) r="10" fill="#ffffff" stroke="#146c5a" stroke-width="2" {}
                    text x=(format!("{:.1}", proj.x(s.lng))) y=(format!("{:.1}", proj.y(s.lat) + 4.0)) text-anchor="middle" font-size="11" font-weight="bold" { (s.number) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_and_multipolygons_give_rings() {
        assert_eq!(
            rings_of(
                r#"{"type":"Polygon","coordinates":[[[127,37],[127.1,37],[127,37.1],[127,37]]]}"#
            )
            .len(),
            1
        );
        assert_eq!(rings_of(r#"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[0,1]]],[[[2,2],[3,2],[2,3]]]]}}"#).len(), 2);
        assert!(rings_of("not json").is_empty());
    }

    #[test]
    fn charts_escape_labels() {
        let svg = bar_chart(
            "t",
            &[Bar {
                label: "<b>".into(),
                value: 1.0,
                href: None,
            }],
            0,
        )
        .into_string();
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
    }

    #[test]
    fn route_maps_number_every_stop_and_join_them_in_order() {
        let stops = [
            RoutePoint {
                number: 1,
                label: "성수역".into(),
                lat: 37.5446,
                lng: 127.0557,
            },
            RoutePoint {
                number: 3,
                label: "<서울숲>".into(),
                lat: 37.5444,
                lng: 127.0374,
            },
        ];
        let ring = vec![vec![vec![
            (127.0, 37.5),
            (127.1, 37.5),
            (127.1, 37.6),
            (127.0, 37.5),
        ]]];
        let svg = route_map("경로", "설명", &ring, &stops).into_string();
        assert_eq!(svg.matches("class=\"stop-marker\"").count(), 2);
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("class=\"outline\"").count(), 1);
        assert!(svg.contains("&lt;서울숲&gt;"));
        // West to east: 서울숲 is left of 성수역.
        let xs: Vec<f64> = svg
            .split("<circle cx=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(xs[1] < xs[0], "{xs:?}");
        let none: [Vec<Vec<(f64, f64)>>; 0] = [];
        assert!(route_map("t", "d", &none, &[]).into_string().is_empty());
        let one = route_map("t", "d", &none, &stops[..1]).into_string();
        assert!(one.contains("<circle") && !one.contains("<polyline"));
    }

    #[test]
    fn paths_write_whole_steps_and_skip_points_that_round_alike() {
        let proj = Projection::fit([(0.0, 0.0), (10.0, 0.001)], 100.0, 0.0).unwrap();
        let d = proj.path(&[
            vec![(0.0, 0.0), (0.001, 0.0), (5.0, 0.0), (10.0, 0.0)],
            vec![
                (1.04, 0.0),
                (1.08, 0.0),
                (1.12, 0.0),
                (1.16, 0.0),
                (1.2, 0.0),
            ],
        ]);
        // 0.001 of longitude is 0.01 units: the same whole unit as the first point. The second
        // ring steps 0.4 units at a time from 10.4 to 12: each step alone rounds to nothing,
        // but the points round to 10, 11, 11, 12, 12, and that is what is drawn.
        assert_eq!(d, "M0,0l50,0l50,0zM10,0l1,0l1,0z");
        let int = |v| {
            let mut s = String::new();
            push_int(&mut s, v);
            s
        };
        assert_eq!(int(-183), "-183");
        assert_eq!(int(0), "0");
        assert_eq!(int(1_234_567), "1234567");
        assert_eq!(int(i64::MIN), "-9223372036854775808");
        assert!(proj.path::<Vec<(f64, f64)>>(&[vec![]]).is_empty());
    }

    #[test]
    fn clipping_keeps_what_is_inside_and_cuts_the_rest() {
        let rect = [(0.0, 0.0), (10.0, 10.0)];
        let inside = vec![(1.0, 1.0), (9.0, 1.0), (9.0, 9.0), (1.0, 1.0)];
        assert_eq!(clip_ring(&inside, rect), inside);
        assert!(clip_ring(&[(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)], rect).is_empty());
        // A square twice the rectangle's size around it becomes the rectangle.
        let around = [(-5.0, -5.0), (15.0, -5.0), (15.0, 15.0), (-5.0, 15.0)];
        let cut = clip_ring(&around, rect);
        assert!(
            cut.iter()
                .all(|&(x, y)| (0.0..=10.0).contains(&x) && (0.0..=10.0).contains(&y))
        );
        for corner in [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)] {
            assert!(cut.contains(&corner), "{corner:?} in {cut:?}");
        }
        // An edge crossing the rectangle is cut where it enters and leaves.
        let across = [(-10.0, 5.0), (20.0, 5.0), (20.0, 30.0), (-10.0, 30.0)];
        let cut = clip_ring(&across, rect);
        assert!(
            cut.contains(&(0.0, 5.0)) && cut.contains(&(10.0, 5.0)),
            "{cut:?}"
        );
    }

    #[test]
    fn route_maps_draw_only_the_outline_near_the_route() {
        // One district far larger than the view: its long way round is cut away.
        let mut ring: Vec<(f64, f64)> = (0..=400)
            .map(|i| {
                let a = f64::from(i) / 400.0 * std::f64::consts::TAU;
                (127.0 + 0.2 * a.cos(), 37.5 + 0.2 * a.sin())
            })
            .collect();
        ring.push(ring[0]);
        let stops = [
            RoutePoint {
                number: 1,
                label: "a".into(),
                lat: 37.5,
                lng: 127.195,
            },
            RoutePoint {
                number: 2,
                label: "b".into(),
                lat: 37.51,
                lng: 127.195,
            },
        ];
        let whole = Projection::fit([(126.8, 37.3), (127.2, 37.7)], 600.0, 0.0)
            .unwrap()
            .path(&[ring.clone()]);
        let svg = route_map("t", "d", &[vec![ring]], &stops).into_string();
        let drawn = svg
            .split("class=\"outline\" d=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap();
        assert!(
            drawn.matches('l').count() < whole.matches('l').count() / 4,
            "{drawn}"
        );
    }
}
