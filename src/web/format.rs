//! Small formatting helpers shared by views.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};

use crate::web::lang::Lang;

/// Korea keeps UTC+9 all year (no daylight saving time).
pub const KST_HOURS: i64 = 9;

/// A stored instant (UTC) on Korea's wall clock: how every page shows when something happened.
pub fn in_korea(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(KST_HOURS)).naive_utc()
}

const WEEKDAYS_KO: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];

/// 2023년 12월 11일 (월)
pub fn date_ko(d: NaiveDate) -> String {
    format!(
        "{}년 {}월 {}일 ({})",
        d.year(),
        d.month(),
        d.day(),
        WEEKDAYS_KO[d.weekday().num_days_from_monday() as usize]
    )
}

/// 2023년 12월 11일 (월) 10:00
pub fn datetime_ko(dt: NaiveDateTime) -> String {
    format!("{} {}", date_ko(dt.date()), dt.format("%H:%M"))
}

/// Mon 11 Dec 2023
pub fn date_en(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

/// A day as `lang` writes it: 2023년 12월 11일 (월), or Mon 11 Dec 2023.
pub fn date_in(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ko => date_ko(d),
        Lang::En => date_en(d),
    }
}

/// A day and time as `lang` writes them: 2023년 12월 11일 (월) 10:00, or Mon 11 Dec 2023, 10:00.
pub fn datetime_in(lang: Lang, dt: NaiveDateTime) -> String {
    match lang {
        Lang::Ko => datetime_ko(dt),
        Lang::En => format!("{}, {}", date_en(dt.date()), dt.format("%H:%M")),
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

/// A string of digits with a `,` between each group of three (`"1234567"` → `"1,234,567"`).
pub fn group_digits(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn instants_are_shown_on_the_korean_clock() {
        let t = DateTime::parse_from_rfc3339("2026-12-07T16:10:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            in_korea(t).format("%Y-%m-%d %H:%M").to_string(),
            "2026-12-08 01:10"
        );
    }

    #[test]
    fn korean_dates_carry_the_weekday() {
        let d = NaiveDate::from_ymd_opt(2023, 12, 11).unwrap();
        assert_eq!(date_ko(d), "2023년 12월 11일 (월)");
        assert_eq!(
            datetime_ko(d.and_hms_opt(10, 0, 0).unwrap()),
            "2023년 12월 11일 (월) 10:00"
        );
    }

    #[test]
    fn english_dates_name_the_weekday_and_month() {
        let d = NaiveDate::from_ymd_opt(2023, 12, 1).unwrap();
        assert_eq!(date_in(Lang::En, d), "Fri 1 Dec 2023");
        assert_eq!(date_in(Lang::Ko, d), "2023년 12월 1일 (금)");
        assert_eq!(
            datetime_in(Lang::En, d.and_hms_opt(9, 5, 0).unwrap()),
            "Fri 1 Dec 2023, 09:05"
        );
    }
}
