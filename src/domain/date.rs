//! Dates as Korean documents and public lists write them.

use chrono::NaiveDate;

/// Why a date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("날짜 형식이 올바르지 않습니다 (예: 2007-12-31, 2007.12.31, 20071231, 2007년 12월 31일)")]
pub struct DateError;

/// Parses 2007-12-31, 2007.12.31, 2007/12/31, 2007. 12. 31., 20071231 and 2007년 12월 31일
/// (one-digit months and days too).
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let s = s.trim().trim_end_matches('.');
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").map_err(|_| DateError);
    }
    let parts: Vec<&str> = s
        .split(|c: char| matches!(c, '-' | '.' | '/' | '년' | '월' | '일') || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(DateError);
    };
    let num = |p: &str| p.parse::<u32>().map_err(|_| DateError);
    let year = i32::try_from(num(y)?).map_err(|_| DateError)?;
    if !(1900..=2200).contains(&year) {
        return Err(DateError);
    }
    NaiveDate::from_ymd_opt(year, num(m)?, num(d)?).ok_or(DateError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_korean_forms() {
        let d = NaiveDate::from_ymd_opt(2007, 12, 31).unwrap();
        for s in [
            "2007-12-31",
            "2007.12.31",
            "2007. 12. 31.",
            "2007/12/31",
            "20071231",
            "2007년 12월 31일",
            " 2007년12월31일 ",
        ] {
            assert_eq!(parse_date(s), Ok(d), "{s}");
        }
        assert_eq!(
            parse_date("2024.1.5"),
            Ok(NaiveDate::from_ymd_opt(2024, 1, 5).unwrap())
        );
    }

    #[test]
    fn refuses_impossible_or_partial_dates() {
        for s in [
            "",
            "2007-13-01",
            "2007-02-30",
            "12월 31일",
            "abc",
            "2007-12",
            "99999999",
            "0007-01-01",
        ] {
            assert_eq!(parse_date(s), Err(DateError), "{s}");
        }
    }
}
