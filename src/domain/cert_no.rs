//! Social-enterprise certification numbers (사회적기업 인증번호), canonically `제2007-001호`.
//!
//! Public lists and hand-typed forms write them many ways (`2007-001`, `제 2007-001 호`,
//! en dashes, full-width digits, unpadded serials); we accept them all and store one form.

use std::fmt;
use std::str::FromStr;

use chrono::Datelike;
use unicode_normalization::UnicodeNormalization;

/// The first social enterprises were certified in 2007, when the promotion act took effect.
const FIRST_YEAR: u16 = 2007;

/// A valid certification number. Equality and ordering follow the canonical text, year
/// first, then serial.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct CertNo {
    year: u16,
    serial: u16,
    text: String,
}

/// Why a certification number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertNoError {
    /// Nothing was entered.
    #[error("인증번호를 입력하세요 (예: 제2007-001호)")]
    Empty,
    /// The text is not shaped like a certification number.
    #[error(
        "인증번호 형식이 올바르지 않습니다. 연도 네 자리와 일련번호를 '-'로 이어 쓰세요 (예: 제2007-001호)"
    )]
    Format,
    /// The year is before the first certifications or too far in the future.
    #[error("인증 연도는 2007년부터 {max}년 사이여야 합니다 (예: 제2007-001호)")]
    YearOutOfRange {
        /// The latest accepted year (next year, to allow numbers announced in advance).
        max: u16,
    },
    /// The serial is zero or longer than four digits.
    #[error("인증번호의 일련번호는 1부터 9999 사이여야 합니다 (예: 제2007-001호)")]
    SerialOutOfRange,
}

impl CertNo {
    /// Parses any common spelling into the canonical `제YYYY-NNN호`. Serials shorter than
    /// three digits are zero-padded; four-digit serials (`제2010-0123호`) keep their width
    /// because that is how the issuing body wrote them.
    pub fn parse(s: &str) -> Result<Self, CertNoError> {
        let next_year = chrono::Utc::now().year().saturating_add(1);
        Self::parse_with_max_year(s, u16::try_from(next_year).unwrap_or(u16::MAX))
    }

    /// `parse` with an explicit latest year, so tests do not depend on the clock.
    fn parse_with_max_year(s: &str, max_year: u16) -> Result<Self, CertNoError> {
        // NFKC turns full-width digits and hyphens into ASCII; other dashes we map by hand.
        let folded: String = s
            .nfkc()
            .filter(|c| !c.is_whitespace())
            .map(|c| if is_dash(c) { '-' } else { c })
            .collect();
        if folded.is_empty() {
            return Err(CertNoError::Empty);
        }
        let body = folded.strip_prefix('제').unwrap_or(&folded);
        let body = body.strip_suffix('호').unwrap_or(body);
        let (year_digits, serial_digits) = body.split_once('-').ok_or(CertNoError::Format)?;
        if year_digits.len() != 4 || !is_ascii_digits(year_digits) {
            return Err(CertNoError::Format);
        }
        if !is_ascii_digits(serial_digits) {
            return Err(CertNoError::Format);
        }
        let year: u16 = year_digits.parse().map_err(|_| CertNoError::Format)?;
        if !(FIRST_YEAR..=max_year).contains(&year) {
            return Err(CertNoError::YearOutOfRange { max: max_year });
        }
        if serial_digits.len() > 4 {
            return Err(CertNoError::SerialOutOfRange);
        }
        let serial: u16 = serial_digits.parse().map_err(|_| CertNoError::Format)?;
        if serial == 0 {
            return Err(CertNoError::SerialOutOfRange);
        }
        let width = serial_digits.len().max(3);
        let text = format!("제{year}-{serial:0width$}호");
        Ok(Self { year, serial, text })
    }

    /// The certification year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The serial number within the year.
    pub fn serial(&self) -> u16 {
        self.serial
    }

    /// The canonical text, e.g. `제2007-001호`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Hyphen look-alikes that survive NFKC: hyphen, non-breaking hyphen, figure dash, en and
/// em dash, horizontal bar, minus sign, small em dash.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{FE58}'
    )
}

fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl FromStr for CertNo {
    type Err = CertNoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CertNo {
    type Error = CertNoError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CertNo> for String {
    fn from(c: CertNo) -> Self {
        c.text
    }
}

impl fmt::Display for CertNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> Result<String, CertNoError> {
        CertNo::parse_with_max_year(s, 2025).map(|c| c.as_str().to_owned())
    }

    #[test]
    fn accepts_every_common_spelling() {
        for input in [
            "제2007-001호",
            "2007-001",
            "제 2007-001 호",
            "제2007–001호",
            "제2007—001호",
            "제2007−001호",
            "제２００７－００１호",
            "２００７-００１",
            "  제2007 - 001호\u{3000}",
            "2007-1",
            "2007-01호",
        ] {
            assert_eq!(canon(input).as_deref(), Ok("제2007-001호"), "{input}");
        }
    }

    #[test]
    fn pads_short_serials_and_keeps_four_digit_ones() {
        assert_eq!(canon("제2012-5호").as_deref(), Ok("제2012-005호"));
        assert_eq!(canon("제2010-0123호").as_deref(), Ok("제2010-0123호"));
        assert_eq!(canon("2019-1234").as_deref(), Ok("제2019-1234호"));
        assert_eq!(canon("2019-9999").as_deref(), Ok("제2019-9999호"));
    }

    #[test]
    fn exposes_year_and_serial() {
        let c = CertNo::parse_with_max_year("제2010-0123호", 2025).expect("valid");
        assert_eq!((c.year(), c.serial()), (2010, 123));
        assert_eq!(c.to_string(), "제2010-0123호");
    }

    #[test]
    fn rejects_empty_and_garbage() {
        assert_eq!(canon(""), Err(CertNoError::Empty));
        assert_eq!(canon(" \u{3000} "), Err(CertNoError::Empty));
        for bad in [
            "제호",
            "abc",
            "2007001",
            "07-001",
            "제2007-호",
            "2007-00a",
            "2007-001-2",
            "-001",
            "제2007-001호호",
        ] {
            assert_eq!(canon(bad), Err(CertNoError::Format), "{bad}");
        }
    }

    #[test]
    fn rejects_out_of_range_years_and_serials() {
        assert_eq!(
            canon("2006-001"),
            Err(CertNoError::YearOutOfRange { max: 2025 })
        );
        assert_eq!(
            canon("2026-001"),
            Err(CertNoError::YearOutOfRange { max: 2025 })
        );
        assert!(canon("2025-001").is_ok());
        assert_eq!(canon("2010-000"), Err(CertNoError::SerialOutOfRange));
        assert_eq!(canon("2010-10000"), Err(CertNoError::SerialOutOfRange));
    }

    #[test]
    fn parse_uses_the_clock_for_the_latest_year() {
        let next = chrono::Utc::now().year() + 1;
        assert!(CertNo::parse(&format!("{next}-001")).is_ok());
        let too_late = format!("{}-001", next + 1);
        assert!(matches!(
            CertNo::parse(&too_late),
            Err(CertNoError::YearOutOfRange { .. })
        ));
        assert_eq!(
            "2007-001"
                .parse::<CertNo>()
                .map(|c| c.to_string())
                .as_deref(),
            Ok("제2007-001호")
        );
    }

    #[test]
    fn orders_by_year_then_serial() {
        let a = CertNo::parse("2007-010").expect("valid");
        let b = CertNo::parse("2008-002").expect("valid");
        let c = CertNo::parse("2008-010").expect("valid");
        assert!(a < b && b < c);
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let c = CertNo::parse("2007-1").expect("valid");
        let json = serde_json::to_string(&c).expect("serialize");
        assert_eq!(json, "\"제2007-001호\"");
        assert_eq!(serde_json::from_str::<CertNo>("\"2007-001\"").ok(), Some(c));
        assert!(serde_json::from_str::<CertNo>("\"제1999-001호\"").is_err());
    }

    #[test]
    fn messages_show_an_example() {
        for e in [
            CertNoError::Empty,
            CertNoError::Format,
            CertNoError::YearOutOfRange { max: 2026 },
            CertNoError::SerialOutOfRange,
        ] {
            assert!(e.to_string().contains("예: 제2007-001호"), "{e}");
        }
        assert!(
            CertNoError::YearOutOfRange { max: 2026 }
                .to_string()
                .contains("2026년")
        );
    }
}
