//! Calendar dates as Korean reports write them, resolved against a reference date.
//!
//! Forms: 2023년 12월 11일 · 2023.12.11 · 2023. 12. 11. · 23.12.11 · 2023-12-11 · 2023/12/11 ·
//! 12월 11일 (no year) · an optional weekday after the date: 월요일, (월), (월요일) ·
//! year words before a yearless date: 작년/지난해 (last year), 올해/금년 (this year) ·
//! relative days: 오늘, 어제, 그제/그저께.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::scan::{digit_run_end, has_at, is_hangul, number_at, skip_spaces};

/// How the year of a date was decided; it drives confidence and the note shown to editors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// Written in the date itself.
    Written,
    /// 작년, 올해 … relative to the reference year.
    YearWord,
    /// No year: the latest such date not after the reference date.
    Latest,
    /// 오늘/어제/그제: days before the reference date.
    RelativeDay,
}

/// A date expression found in a line (char indices into that line).
#[derive(Debug, Clone, PartialEq)]
pub struct DateMatch {
    /// First char of the expression, including a 지난/작년 word before it.
    pub start: usize,
    /// Just past the expression, including a written weekday.
    pub end: usize,
    /// The resolved date.
    pub date: NaiveDate,
    /// How the year was decided.
    pub year_source: YearSource,
    /// The weekday written after the date, if any.
    pub weekday: Option<Weekday>,
}

/// Finds every date in a line. Yearless and relative dates need `reference` (the publication
/// date) and are skipped without it.
pub fn find_dates(cs: &[char], reference: Option<NaiveDate>) -> Vec<DateMatch> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let at_run_start = i == 0 || !cs[i - 1].is_ascii_digit();
        if c.is_ascii_digit() && at_run_start {
            if let Some(m) = date_at(cs, i, reference) {
                i = m.end;
                found.push(m);
                continue;
            }
            i = digit_run_end(cs, i);
            continue;
        }
        if let Some(m) = relative_day_at(cs, i, reference) {
            i = m.end;
            found.push(m);
            continue;
        }
        i += 1;
    }
    found
}

/// Parses the first written full date (with its year) in `text`; used for the header's 작성일.
pub fn first_full_date(text: &str) -> Option<NaiveDate> {
    let cs: Vec<char> = text.chars().collect();
    find_dates(&cs, None)
        .into_iter()
        .find(|m| m.year_source == YearSource::Written)
        .map(|m| m.date)
}

fn date_at(cs: &[char], i: usize, reference: Option<NaiveDate>) -> Option<DateMatch> {
    let (first, len, after) = number_at(cs, i, 4)?;
    if len == 4
        && let Some((date, end)) = korean_full(cs, first, after)
    {
        return Some(with_weekday(cs, i, end, date, YearSource::Written));
    }
    if (len == 4 || len == 2)
        && let Some((date, end)) = separated(cs, i, first, len, after)
    {
        return Some(with_weekday(cs, i, end, date, YearSource::Written));
    }
    if len <= 2 {
        let (month, day, end) = month_day(cs, first, after)?;
        let (start, year_word) = year_word_before(cs, i);
        let reference = reference?;
        let (date, source) = match year_word {
            Some(offset) => {
                let year = reference.year() + offset;
                (
                    NaiveDate::from_ymd_opt(year, month, day)?,
                    YearSource::YearWord,
                )
            }
            None => (latest_not_after(month, day, reference)?, YearSource::Latest),
        };
        return Some(with_weekday(cs, start, end, date, source));
    }
    None
}

/// `2023년 12월 11일` once the year digits are read.
fn korean_full(cs: &[char], year: u32, after: usize) -> Option<(NaiveDate, usize)> {
    let j = skip_spaces(cs, after);
    if cs.get(j) != Some(&'년') {
        return None;
    }
    let (month, _, after_month) = number_at(cs, skip_spaces(cs, j + 1), 2)?;
    let (month, day, end) = month_day(cs, month, after_month)?;
    Some((ymd(year, month, day)?, end))
}

/// `M월 D일` once the month digits are read; returns month, day and the end index.
fn month_day(cs: &[char], month: u32, after: usize) -> Option<(u32, u32, usize)> {
    let j = skip_spaces(cs, after);
    if cs.get(j) != Some(&'월') {
        return None;
    }
    let (day, _, after_day) = number_at(cs, skip_spaces(cs, j + 1), 2)?;
    let k = skip_spaces(cs, after_day);
    (cs.get(k) == Some(&'일')).then_some((month, day, k + 1))
}

/// `2023.12.11`, `2023. 12. 11.`, `2023-12-11`, `2023/12/11`, `23.12.11`.
fn separated(
    cs: &[char],
    i: usize,
    year: u32,
    len: usize,
    after: usize,
) -> Option<(NaiveDate, usize)> {
    let sep = *cs.get(after)?;
    if !matches!(sep, '.' | '-' | '/') || (len == 2 && sep != '.') {
        return None;
    }
    // A two-digit year right after a dot is the tail of a version or an IP address.
    if len == 2 && i > 0 && cs[i - 1] == '.' {
        return None;
    }
    let gap = |k: usize| if sep == '.' { skip_spaces(cs, k) } else { k };
    let (month, _, after_month) = number_at(cs, gap(after + 1), 2)?;
    if cs.get(after_month) != Some(&sep) {
        return None;
    }
    let (day, _, mut end) = number_at(cs, gap(after_month + 1), 2)?;
    if sep == '.' && cs.get(end) == Some(&'.') {
        if cs.get(end + 1).is_some_and(|c| c.is_ascii_digit()) {
            return None; // 1.2.3.4
        }
        end += 1;
    }
    let year = if len == 2 { 2000 + year } else { year };
    Some((ymd(year, month, day)?, end))
}

/// A year word right before a yearless date: returns where the expression starts and the
/// year offset (작년 → -1, 올해 → 0). 지난/이번 are kept in the evidence but change nothing:
/// "지난 12월 11일" is already the latest 12월 11일 before publication.
fn year_word_before(cs: &[char], i: usize) -> (usize, Option<i32>) {
    let mut s = i;
    while s > 0 && cs[s - 1] == ' ' {
        s -= 1;
    }
    let mut w = s;
    while w > 0 && is_hangul(cs[w - 1]) && s - w < 4 {
        w -= 1;
    }
    if w > 0 && is_hangul(cs[w - 1]) {
        return (i, None);
    }
    let word: String = cs[w..s].iter().collect();
    match word.as_str() {
        "작년" | "지난해" | "전년" => (w, Some(-1)),
        "올해" | "금년" | "올" => (w, Some(0)),
        "지난" | "이번" => (w, None),
        _ => (i, None),
    }
}

/// The latest date with this month and day that is not after `reference`.
fn latest_not_after(month: u32, day: u32, reference: NaiveDate) -> Option<NaiveDate> {
    // Going back up to eight years finds 2월 29일 too.
    (0..=8).find_map(|back| {
        NaiveDate::from_ymd_opt(reference.year() - back, month, day).filter(|d| *d <= reference)
    })
}

fn ymd(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1900..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Extends a date match with the weekday written after it: ` 월요일`, `(월)`, `(월요일)`.
fn with_weekday(
    cs: &[char],
    start: usize,
    end: usize,
    date: NaiveDate,
    year_source: YearSource,
) -> DateMatch {
    let (weekday, end) = weekday_at(cs, end).map_or((None, end), |(w, e)| (Some(w), e));
    DateMatch {
        start,
        end,
        date,
        year_source,
        weekday,
    }
}

fn weekday_at(cs: &[char], i: usize) -> Option<(Weekday, usize)> {
    let j = skip_spaces(cs, i);
    if matches!(cs.get(j), Some('(' | '（')) {
        let day = weekday_char(*cs.get(j + 1)?)?;
        let mut k = j + 2;
        if has_at(cs, k, "요일") {
            k += 2;
        }
        return matches!(cs.get(k), Some(')' | '）')).then_some((day, k + 1));
    }
    let day = weekday_char(*cs.get(j)?)?;
    has_at(cs, j + 1, "요일").then_some((day, j + 3))
}

fn weekday_char(c: char) -> Option<Weekday> {
    Some(match c {
        '월' => Weekday::Mon,
        '화' => Weekday::Tue,
        '수' => Weekday::Wed,
        '목' => Weekday::Thu,
        '금' => Weekday::Fri,
        '토' => Weekday::Sat,
        '일' => Weekday::Sun,
        _ => return None,
    })
}

/// The weekday's Korean name, for notes.
pub fn weekday_ko(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "월요일",
        Weekday::Tue => "화요일",
        Weekday::Wed => "수요일",
        Weekday::Thu => "목요일",
        Weekday::Fri => "금요일",
        Weekday::Sat => "토요일",
        Weekday::Sun => "일요일",
    }
}

/// 오늘 / 어제 / 그제 / 그저께 / 엊그제 as whole words, counted back from `reference`.
fn relative_day_at(cs: &[char], i: usize, reference: Option<NaiveDate>) -> Option<DateMatch> {
    const WORDS: [(&str, u64); 5] = [
        ("오늘", 0),
        ("어제", 1),
        ("그저께", 2),
        ("그제", 2),
        ("엊그제", 2),
    ];
    if i > 0 && is_hangul(cs[i - 1]) {
        return None;
    }
    let (word, back) = WORDS.iter().find(|(w, _)| has_at(cs, i, w))?;
    let end = i + word.chars().count();
    // 오늘날 means "nowadays"; 어제오늘 "lately".
    if matches!(cs.get(end), Some('날' | '오')) {
        return None;
    }
    let date = reference?.checked_sub_days(Days::new(*back))?;
    Some(DateMatch {
        start: i,
        end,
        date,
        year_source: YearSource::RelativeDay,
        weekday: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn dates(
        s: &str,
        reference: Option<NaiveDate>,
    ) -> Vec<(NaiveDate, YearSource, Option<Weekday>, String)> {
        let cs: Vec<char> = s.chars().collect();
        find_dates(&cs, reference)
            .into_iter()
            .map(|m| {
                (
                    m.date,
                    m.year_source,
                    m.weekday,
                    cs[m.start..m.end].iter().collect(),
                )
            })
            .collect()
    }

    #[test]
    fn written_years() {
        let pub_on = Some(d(2024, 1, 11));
        for s in [
            "2023년 12월 11일",
            "2023.12.11",
            "2023. 12. 11.",
            "23.12.11",
            "2023-12-11",
            "2023/12/11",
            "2023년12월11일",
        ] {
            let got = dates(s, pub_on);
            assert_eq!(got.len(), 1, "{s}");
            assert_eq!(got[0].0, d(2023, 12, 11), "{s}");
            assert_eq!(got[0].1, YearSource::Written, "{s}");
        }
    }

    #[test]
    fn yearless_is_latest_before_publication() {
        let got = dates("지난 12월 11일 월요일 오전 10시에", Some(d(2024, 1, 11)));
        assert_eq!(got[0].0, d(2023, 12, 11));
        assert_eq!(got[0].1, YearSource::Latest);
        assert_eq!(got[0].2, Some(Weekday::Mon));
        assert_eq!(got[0].3, "지난 12월 11일 월요일");
        // Same day as publication counts as not after it.
        assert_eq!(dates("1월 11일", Some(d(2024, 1, 11)))[0].0, d(2024, 1, 11));
        assert_eq!(dates("2월 29일", Some(d(2024, 1, 11)))[0].0, d(2020, 2, 29));
    }

    #[test]
    fn yearless_needs_a_reference() {
        assert!(dates("12월 11일", None).is_empty());
        assert_eq!(
            first_full_date("작성일: 2024-01-11 조회수: 173"),
            Some(d(2024, 1, 11))
        );
    }

    #[test]
    fn year_words() {
        let got = dates("작년 3월 2일(목)", Some(d(2024, 1, 11)));
        assert_eq!(got[0].0, d(2023, 3, 2));
        assert_eq!(got[0].1, YearSource::YearWord);
        assert_eq!(got[0].2, Some(Weekday::Thu));
        assert_eq!(got[0].3, "작년 3월 2일(목)");
    }

    #[test]
    fn weekday_forms() {
        let r = Some(d(2024, 1, 11));
        assert_eq!(dates("12월 11일(월요일)", r)[0].2, Some(Weekday::Mon));
        assert_eq!(dates("12월 11일 （화）", r)[0].2, Some(Weekday::Tue));
        // A bare 월 after the date is not a weekday (could be the next word).
        assert_eq!(dates("12월 11일 월", r)[0].2, None);
    }

    #[test]
    fn relative_days() {
        let r = Some(d(2024, 1, 11));
        assert_eq!(dates("어제 오후에", r)[0].0, d(2024, 1, 10));
        assert_eq!(dates("오늘은", r)[0].0, d(2024, 1, 11));
        assert_eq!(dates("그저께", r)[0].0, d(2024, 1, 9));
        assert!(dates("오늘날의 사회", r).is_empty());
        assert!(dates("어제", None).is_empty());
    }

    #[test]
    fn not_dates() {
        let r = Some(d(2024, 1, 11));
        assert!(dates("12월에는 2023년 수행한 사업, 25개 중 21개", r).is_empty());
        assert!(dates("버전 1.23.12.11", r).is_empty());
        assert!(dates("2023.13.40", r).is_empty());
        assert!(dates("010-1234-5678", r).is_empty());
        assert!(dates("13월 40일", r).is_empty());
    }
}
