//! A WGS84 point (latitude, longitude in degrees) that is always on the globe.

use std::fmt;
use std::str::FromStr;

/// A point on the earth in WGS84 degrees. Both coordinates are finite and in range; the
/// fields are private so no other code can build an impossible point.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "RawLatLng")]
pub struct LatLng {
    lat: f64,
    lng: f64,
}

/// Why a latitude/longitude pair was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LatLngError {
    /// The text is not two numbers separated by a comma.
    #[error("위도와 경도를 쉼표로 구분해 입력하세요 (예: 37.5663, 126.9779)")]
    Format,
    /// A coordinate is not a finite number (NaN, infinity, or not a number at all).
    #[error("위도와 경도는 숫자여야 합니다 (예: 37.5663, 126.9779)")]
    NotANumber,
    /// Latitude outside -90..=90.
    #[error("위도는 -90에서 90 사이여야 합니다")]
    LatitudeOutOfRange,
    /// Longitude outside -180..=180.
    #[error("경도는 -180에서 180 사이여야 합니다")]
    LongitudeOutOfRange,
}

impl LatLng {
    /// Builds a point from degrees, rejecting non-finite or out-of-range values.
    pub fn new(lat: f64, lng: f64) -> Result<Self, LatLngError> {
        if !lat.is_finite() || !lng.is_finite() {
            return Err(LatLngError::NotANumber);
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(LatLngError::LatitudeOutOfRange);
        }
        if !(-180.0..=180.0).contains(&lng) {
            return Err(LatLngError::LongitudeOutOfRange);
        }
        // Adding 0.0 turns -0.0 into 0.0, so Display never prints "-0.00000".
        Ok(Self {
            lat: lat + 0.0,
            lng: lng + 0.0,
        })
    }

    /// Latitude in degrees, -90..=90.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// Longitude in degrees, -180..=180.
    pub fn lng(&self) -> f64 {
        self.lng
    }
}

impl FromStr for LatLng {
    type Err = LatLngError;

    /// Parses "37.5663, 126.9779": latitude first, as map sites copy it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (lat, lng) = s.split_once(',').ok_or(LatLngError::Format)?;
        let (lat, lng) = (lat.trim(), lng.trim());
        if lat.is_empty() || lng.is_empty() || lng.contains(',') {
            return Err(LatLngError::Format);
        }
        let lat = lat.parse::<f64>().map_err(|_| LatLngError::NotANumber)?;
        let lng = lng.parse::<f64>().map_err(|_| LatLngError::NotANumber)?;
        Self::new(lat, lng)
    }
}

impl fmt::Display for LatLng {
    /// Five decimals are about one metre: precise enough for a shop door, short enough to read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.5}, {:.5}", self.lat, self.lng)
    }
}

/// The unchecked JSON shape `{"lat": …, "lng": …}`, validated through `LatLng::new`.
#[derive(serde::Deserialize)]
struct RawLatLng {
    lat: f64,
    lng: f64,
}

impl TryFrom<RawLatLng> for LatLng {
    type Error = LatLngError;

    fn try_from(raw: RawLatLng) -> Result<Self, Self::Error> {
        Self::new(raw.lat, raw.lng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_accepts_points_and_edges() {
        let p = LatLng::new(37.5663, 126.9779).expect("Seoul city hall");
        assert_eq!((p.lat(), p.lng()), (37.5663, 126.9779));
        assert!(LatLng::new(-90.0, -180.0).is_ok());
        assert!(LatLng::new(90.0, 180.0).is_ok());
    }

    #[test]
    fn new_rejects_out_of_range_and_non_finite() {
        assert_eq!(
            LatLng::new(90.0001, 0.0),
            Err(LatLngError::LatitudeOutOfRange)
        );
        assert_eq!(
            LatLng::new(-91.0, 0.0),
            Err(LatLngError::LatitudeOutOfRange)
        );
        assert_eq!(
            LatLng::new(0.0, 180.5),
            Err(LatLngError::LongitudeOutOfRange)
        );
        assert_eq!(
            LatLng::new(0.0, -181.0),
            Err(LatLngError::LongitudeOutOfRange)
        );
        assert_eq!(LatLng::new(f64::NAN, 0.0), Err(LatLngError::NotANumber));
        assert_eq!(
            LatLng::new(0.0, f64::INFINITY),
            Err(LatLngError::NotANumber)
        );
    }

    #[test]
    fn parses_with_and_without_spaces() {
        let expected = LatLng::new(37.5663, 126.9779).ok();
        assert_eq!("37.5663, 126.9779".parse().ok(), expected);
        assert_eq!("37.5663,126.9779".parse().ok(), expected);
        assert_eq!("  37.5663 ,  126.9779 ".parse().ok(), expected);
        assert_eq!("-33.9, -70".parse::<LatLng>().map(|p| p.lng()), Ok(-70.0));
    }

    #[test]
    fn parse_rejects_bad_text() {
        assert_eq!("".parse::<LatLng>(), Err(LatLngError::Format));
        assert_eq!("37.5663".parse::<LatLng>(), Err(LatLngError::Format));
        assert_eq!(
            "37.5663 126.9779".parse::<LatLng>(),
            Err(LatLngError::Format)
        );
        assert_eq!("37.5, ".parse::<LatLng>(), Err(LatLngError::Format));
        assert_eq!("1, 2, 3".parse::<LatLng>(), Err(LatLngError::Format));
        assert_eq!("북위, 동경".parse::<LatLng>(), Err(LatLngError::NotANumber));
        assert_eq!("NaN, 1".parse::<LatLng>(), Err(LatLngError::NotANumber));
        assert_eq!(
            "126.9779, 37.5663".parse::<LatLng>().ok().map(|p| p.lat()),
            None
        );
        assert_eq!(
            "95, 10".parse::<LatLng>(),
            Err(LatLngError::LatitudeOutOfRange)
        );
    }

    #[test]
    fn displays_five_decimals_and_round_trips() {
        let p = LatLng::new(37.5663, 126.9779).expect("valid");
        assert_eq!(p.to_string(), "37.56630, 126.97790");
        assert_eq!(p.to_string().parse::<LatLng>(), Ok(p));
        let zero = LatLng::new(-0.0, -0.0).expect("valid");
        assert_eq!(zero.to_string(), "0.00000, 0.00000");
    }

    #[test]
    fn serde_validates() {
        let p = LatLng::new(37.5, 127.0).expect("valid");
        let json = serde_json::to_string(&p).expect("serialize");
        assert_eq!(json, r#"{"lat":37.5,"lng":127.0}"#);
        assert_eq!(serde_json::from_str::<LatLng>(&json).ok(), Some(p));
        assert!(serde_json::from_str::<LatLng>(r#"{"lat":99.0,"lng":0.0}"#).is_err());
    }

    #[test]
    fn error_messages_are_korean() {
        assert_eq!(
            LatLngError::LatitudeOutOfRange.to_string(),
            "위도는 -90에서 90 사이여야 합니다"
        );
    }
}
