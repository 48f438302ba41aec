//! Times of day as Korean reports write them: 오전 10시, 오후 2시 30분, 2시 반, 정오, 10:00.

use chrono::NaiveTime;

use super::scan::{has_at, number_at, skip_spaces};

/// A time of day found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeOfDay {
    /// The time, on a 24-hour clock.
    pub time: NaiveTime,
    /// Index just past the expression.
    pub end: usize,
    /// Set when no 오전/오후 was written and the afternoon was assumed (2시 → 14:00).
    pub assumed_afternoon: bool,
}

/// Morning/afternoon words and whether they put the hour after noon.
const MERIDIEMS: [(&str, bool); 7] = [
    ("오전", false),
    ("오후", true),
    ("아침", false),
    ("새벽", false),
    ("낮", true),
    ("저녁", true),
    ("밤", true),
];

/// Reads a time of day starting at `i` (spaces first are allowed).
pub fn time_at(cs: &[char], i: usize) -> Option<TimeOfDay> {
    let i = skip_spaces(cs, i);
    if has_at(cs, i, "정오") {
        return Some(TimeOfDay {
            time: hm(12, 0)?,
            end: i + 2,
            assumed_afternoon: false,
        });
    }
    if has_at(cs, i, "자정") {
        return Some(TimeOfDay {
            time: hm(0, 0)?,
            end: i + 2,
            assumed_afternoon: false,
        });
    }
    let mut meridiem = None;
    let mut j = i;
    for (word, pm) in MERIDIEMS {
        if has_at(cs, i, word) {
            meridiem = Some(pm);
            j = skip_spaces(cs, i + word.chars().count());
            break;
        }
    }
    let (hour, _, after_hour) = number_at(cs, j, 2)?;
    let k = skip_spaces(cs, after_hour);
    let (hour, minute, end) = match cs.get(k) {
        Some(':') => {
            // 10:00 — exactly two minute digits, otherwise it is a ratio or a score.
            let (minute, len, end) = number_at(cs, k + 1, 2)?;
            (len == 2).then_some((hour, minute, end))?
        }
        Some('시') => {
            let m = skip_spaces(cs, k + 1);
            if cs.get(m) == Some(&'반') {
                (hour, 30, m + 1)
            } else if let Some((minute, _, after)) = number_at(cs, m, 2) {
                let u = skip_spaces(cs, after);
                if cs.get(u) == Some(&'분') {
                    (hour, minute, u + 1)
                } else {
                    (hour, 0, k + 1)
                }
            } else {
                (hour, 0, k + 1)
            }
        }
        _ => return None,
    };
    let colon_form = cs.get(k) == Some(&':');
    let (hour24, assumed_afternoon) = to_24h(hour, meridiem, colon_form)?;
    Some(TimeOfDay {
        time: hm(hour24, minute)?,
        end,
        assumed_afternoon,
    })
}

/// Converts a written hour to 24-hour form. Without 오전/오후, "N시" for N in 1–6 is read as the
/// afternoon because visits do not start at 3 a.m.; the caller lowers confidence for it.
fn to_24h(hour: u32, meridiem: Option<bool>, colon_form: bool) -> Option<(u32, bool)> {
    match meridiem {
        Some(true) if (1..12).contains(&hour) => Some((hour + 12, false)),
        Some(true) if hour == 12 => Some((12, false)),
        Some(false) if hour == 12 => Some((0, false)),
        Some(_) if hour <= 12 => Some((hour, false)),
        Some(_) => None,
        None if !colon_form && (1..=6).contains(&hour) => Some((hour + 12, true)),
        None if hour <= 24 => Some((hour % 24, false)),
        None => None,
    }
}

fn hm(hour: u32, minute: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(hour, minute, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<(String, bool)> {
        let cs: Vec<char> = s.chars().collect();
        time_at(&cs, 0).map(|x| (x.time.format("%H:%M").to_string(), x.assumed_afternoon))
    }

    #[test]
    fn meridiem_hours() {
        assert_eq!(t("오전 10시에"), Some(("10:00".into(), false)));
        assert_eq!(t("오후 2시 30분"), Some(("14:30".into(), false)));
        assert_eq!(t("오후2시반"), Some(("14:30".into(), false)));
        assert_eq!(t("오후 12시"), Some(("12:00".into(), false)));
        assert_eq!(t("오전 12시"), Some(("00:00".into(), false)));
        assert_eq!(t("저녁 7시"), Some(("19:00".into(), false)));
    }

    #[test]
    fn noon_and_clock_forms() {
        assert_eq!(t("정오에"), Some(("12:00".into(), false)));
        assert_eq!(t("10:00부터"), Some(("10:00".into(), false)));
        assert_eq!(t("14:05"), Some(("14:05".into(), false)));
        assert_eq!(t("오후 2:30"), Some(("14:30".into(), false)));
    }

    #[test]
    fn bare_small_hours_are_afternoon() {
        assert_eq!(t("3시"), Some(("15:00".into(), true)));
        assert_eq!(t("10시 30분"), Some(("10:30".into(), false)));
    }

    #[test]
    fn rejects_non_times() {
        assert_eq!(t("10개"), None);
        assert_eq!(t("오후 13시"), None);
        assert_eq!(t("25:00"), None);
        assert_eq!(t("3:1"), None);
        assert_eq!(t("10시 5"), Some(("10:00".into(), false)));
    }
}
