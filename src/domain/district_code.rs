//! Administrative district codes (시군구 코드, SIG_CD): five digits, the first two naming the
//! province or metropolitan city. Names repeat across Korea (중구 exists in six cities), so
//! districts are identified by this code.

use std::fmt;
use std::str::FromStr;

/// Province prefixes in use, with the legacy 42 (Gangwon) and 45 (Jeonbuk) that older data
/// still carries after those provinces became special self-governing provinces (51, 52).
const PROVINCE_CODES: &[&str] = &[
    "11", // Seoul
    "26", // Busan
    "27", // Daegu
    "28", // Incheon
    "29", // Gwangju
    "30", // Daejeon
    "31", // Ulsan
    "36", // Sejong
    "41", // Gyeonggi
    "42", // Gangwon (legacy)
    "43", // Chungbuk
    "44", // Chungnam
    "45", // Jeonbuk (legacy)
    "46", // Jeonnam
    "47", // Gyeongbuk
    "48", // Gyeongnam
    "50", // Jeju
    "51", // Gangwon
    "52", // Jeonbuk
];

/// A five-digit district code with a known province prefix, e.g. `11200` (성동구).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictCode(String);

/// Why a district code was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DistrictCodeError {
    /// Nothing was entered.
    #[error("행정구역 코드를 입력하세요 (예: 11200)")]
    Empty,
    /// Not exactly five digits.
    #[error("행정구역 코드는 숫자 5자리입니다 (예: 11200)")]
    Format,
    /// The first two digits name no province or metropolitan city.
    #[error("행정구역 코드의 앞 두 자리가 알려진 시·도 코드가 아닙니다 (예: 서울 11)")]
    UnknownProvince,
}

impl DistrictCode {
    /// Parses five ASCII digits (surrounding whitespace ignored) with a known province prefix.
    pub fn parse(s: &str) -> Result<Self, DistrictCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DistrictCodeError::Empty);
        }
        if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DistrictCodeError::Format);
        }
        if !PROVINCE_CODES.iter().any(|p| s.starts_with(p)) {
            return Err(DistrictCodeError::UnknownProvince);
        }
        Ok(Self(s.to_owned()))
    }

    /// The five digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for Seoul's districts (prefix 11), the city Tambang started with.
    pub fn is_seoul(&self) -> bool {
        self.0.starts_with("11")
    }
}

impl FromStr for DistrictCode {
    type Err = DistrictCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DistrictCode {
    type Error = DistrictCodeError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DistrictCode> for String {
    fn from(d: DistrictCode) -> Self {
        d.0
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_known_codes() {
        let seongdong = DistrictCode::parse("11200").expect("성동구");
        assert_eq!(seongdong.as_str(), "11200");
        assert_eq!(seongdong.to_string(), "11200");
        assert!(seongdong.is_seoul());
        assert_eq!(
            DistrictCode::parse(" 11740\n").map(String::from).as_deref(),
            Ok("11740")
        );
        for code in [
            "26110", "27110", "28110", "29110", "30110", "31110", "36110", "41111", "42110",
            "43111", "44131", "45111", "46110", "47111", "48121", "50110", "51110", "52111",
        ] {
            let d = DistrictCode::parse(code).expect(code);
            assert!(!d.is_seoul(), "{code}");
        }
    }

    #[test]
    fn rejects_empty_and_malformed() {
        assert_eq!(DistrictCode::parse(""), Err(DistrictCodeError::Empty));
        assert_eq!(DistrictCode::parse("  "), Err(DistrictCodeError::Empty));
        for bad in [
            "1120",
            "112000",
            "11-20",
            "1120a",
            "성동구",
            "１１２００",
            "11 200",
        ] {
            assert_eq!(
                DistrictCode::parse(bad),
                Err(DistrictCodeError::Format),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_unknown_provinces() {
        for bad in ["00000", "10110", "12110", "49110", "53110", "99999"] {
            assert_eq!(
                DistrictCode::parse(bad),
                Err(DistrictCodeError::UnknownProvince),
                "{bad}"
            );
        }
    }

    #[test]
    fn serde_and_from_str_round_trip() {
        let d: DistrictCode = "11200".parse().expect("valid");
        let json = serde_json::to_string(&d).expect("serialize");
        assert_eq!(json, "\"11200\"");
        assert_eq!(serde_json::from_str::<DistrictCode>(&json).ok(), Some(d));
        assert!(serde_json::from_str::<DistrictCode>("\"99999\"").is_err());
    }

    #[test]
    fn messages_are_korean() {
        assert!(DistrictCodeError::Format.to_string().contains("5자리"));
    }
}
