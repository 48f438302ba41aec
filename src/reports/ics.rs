//! The iCalendar feed of planned visits (`/visits.ics`, RFC 5545), so calendar apps can
//! subscribe. Visit times are Korean wall-clock times (KST, UTC+9 all year) and are written
//! in UTC, which needs no time-zone block.

use chrono::{Duration, NaiveDateTime, Utc};

use crate::entities::entry;
use crate::reports::queries::PlannedVisit;

/// Escapes TEXT values: backslash, semicolon, comma and newlines.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a UTF-8 character, ending with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

fn utc_stamp(kst: NaiveDateTime) -> String {
    (kst - Duration::hours(9))
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// The calendar for these planned visits (each with its host entries).
pub fn calendar(visits: &[(PlannedVisit, Vec<entry::Model>)], base_url: &str) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tambang//Visits//KO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold("X-WR-CALNAME:탐방 예정 (Tambang)"));
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for (r, hosts) in visits {
        let Some(start) = r.visited_at else { continue };
        let location = hosts
            .iter()
            .map(|h| match &h.address {
                Some(a) => format!("{} ({a})", h.name),
                None => h.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&fold("BEGIN:VEVENT"));
        out.push_str(&fold(&format!("UID:report-{}@tambang", r.id)));
        out.push_str(&fold(&format!("DTSTAMP:{stamp}")));
        out.push_str(&fold(&format!("DTSTART:{}", utc_stamp(start))));
        out.push_str(&fold(&format!(
            "DTEND:{}",
            utc_stamp(start + Duration::hours(2))
        )));
        out.push_str(&fold(&format!("SUMMARY:{}", escape(&r.title))));
        if !location.is_empty() {
            out.push_str(&fold(&format!("LOCATION:{}", escape(&location))));
        }
        out.push_str(&fold(&format!(
            "URL:{base_url}/reports/{}",
            crate::web::url::encode_component(&r.slug)
        )));
        out.push_str(&fold(&format!("SEQUENCE:{}", r.version)));
        out.push_str(&fold("END:VEVENT"));
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let line = format!("SUMMARY:{}", "가".repeat(60));
        let folded = fold(&line);
        for l in folded.split("\r\n") {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
    }

    #[test]
    fn kst_becomes_utc() {
        let kst = chrono::NaiveDate::from_ymd_opt(2023, 12, 11)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(utc_stamp(kst), "20231211T010000Z");
    }
}
