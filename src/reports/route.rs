//! A report's itinerary as a route: the stops in order, where each one is (when its entry has
//! coordinates), the leg from the previous located stop and the total length. Distances are
//! great-circle (haversine, `directory::duplicates::distance_m`), which for stops a few
//! kilometres apart differs from the geodesic by well under 1%.

use chrono::NaiveTime;

use crate::directory::duplicates::distance_m;
use crate::reports::queries::ReportPage;

/// One itinerary stop.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteStop {
    /// 1-based position in the itinerary (also the marker's number).
    pub number: usize,
    /// The entry's name, or the stop as written.
    pub place: String,
    /// The entry's slug, when the stop names one.
    pub slug: Option<String>,
    pub time: Option<NaiveTime>,
    /// (lat, lng) of the entry, if it has coordinates.
    pub at: Option<(f64, f64)>,
    /// Kilometres from the previous located stop (none for the first located one and for
    /// stops without coordinates).
    pub leg_km: Option<f64>,
}

/// A stop as given to `Route::new`: place, entry slug, time and (lat, lng).
pub type StopInput = (
    String,
    Option<String>,
    Option<NaiveTime>,
    Option<(f64, f64)>,
);

/// The itinerary of one report.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub stops: Vec<RouteStop>,
}

impl Route {
    /// Builds the route from `(place, slug, time, lat/lng)` in itinerary order.
    pub fn new(stops: impl IntoIterator<Item = StopInput>) -> Self {
        let mut prev: Option<(f64, f64)> = None;
        let stops = stops
            .into_iter()
            .enumerate()
            .map(|(i, (place, slug, time, at))| {
                let leg_km = match (prev, at) {
                    (Some(a), Some(b)) => Some(distance_m(a.0, a.1, b.0, b.1) / 1000.0),
                    _ => None,
                };
                if at.is_some() {
                    prev = at;
                }
                RouteStop {
                    number: i + 1,
                    place,
                    slug,
                    time,
                    at,
                    leg_km,
                }
            })
            .collect();
        Route { stops }
    }

    /// The route of a loaded report page.
    pub fn of_page(p: &ReportPage) -> Self {
        Route::new(p.stops.iter().map(|(s, e)| {
            let place = e
                .as_ref()
                .map(|e| e.name.clone())
                .or_else(|| s.label.clone())
                .unwrap_or_default();
            let at = e.as_ref().and_then(|e| Some((e.lat?, e.lng?)));
            (place, e.as_ref().map(|e| e.slug.clone()), s.at_time, at)
        }))
    }

    /// The stops that have coordinates, in order.
    pub fn located(&self) -> impl Iterator<Item = &RouteStop> {
        self.stops.iter().filter(|s| s.at.is_some())
    }

    /// Total length in km, or `None` when no stop has coordinates.
    pub fn length_km(&self) -> Option<f64> {
        self.located()
            .next()
            .map(|_| self.stops.iter().filter_map(|s| s.leg_km).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEONGSU_STATION: (f64, f64) = (37.5446, 127.0557);
    const SEOUL_FOREST: (f64, f64) = (37.5444, 127.0374);

    fn stop(name: &str, at: Option<(f64, f64)>) -> StopInput {
        (name.to_string(), None, None, at)
    }

    #[test]
    fn seongsu_station_to_seoul_forest_is_about_1_6_km() {
        let r = Route::new([
            stop("성수역", Some(SEONGSU_STATION)),
            stop("서울숲", Some(SEOUL_FOREST)),
        ]);
        let km = r.length_km().unwrap();
        assert!((km - 1.614).abs() < 0.01, "{km}");
        assert_eq!(format!("{km:.1}"), "1.6");
        assert_eq!(r.stops[0].leg_km, None);
    }

    #[test]
    fn stops_without_coordinates_are_skipped_not_zeroed() {
        let r = Route::new([
            stop("성수역", Some(SEONGSU_STATION)),
            stop("어딘가", None),
            stop("서울숲", Some(SEOUL_FOREST)),
            stop("성수역", Some(SEONGSU_STATION)),
        ]);
        assert_eq!(r.located().count(), 3);
        assert_eq!(r.stops[1].leg_km, None);
        // The leg to 서울숲 is measured from 성수역, across the unlocated stop.
        let there = r.stops[2].leg_km.unwrap();
        assert!((there - 1.614).abs() < 0.01);
        assert!((r.length_km().unwrap() - 2.0 * there).abs() < 1e-9);
        assert_eq!(
            r.stops.iter().map(|s| s.number).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn no_coordinates_no_length() {
        let r = Route::new([stop("어딘가", None)]);
        assert_eq!(r.length_km(), None);
        assert_eq!(Route::default().length_km(), None);
        let one = Route::new([stop("서울숲", Some(SEOUL_FOREST))]);
        assert_eq!(one.length_km(), Some(0.0));
    }
}
