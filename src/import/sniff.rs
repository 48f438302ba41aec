//! Step 2, *sniff*: the delimiter (comma, tab or semicolon), the header row below any title
//! rows, and the rows that are not data (blank lines, 합계/소계 subtotals).

use crate::import::map::suggest;

/// What sniffing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub delimiter: u8,
    /// 1-based line of the header row in the file.
    pub header_line: u64,
    /// Index of the header among the file's records (title rows come before it).
    pub header_record: usize,
    pub headers: Vec<String>,
}

impl Sniffed {
    /// The delimiter as users know it.
    pub fn delimiter_name(&self) -> &'static str {
        match self.delimiter {
            b'\t' => "탭 (tab)",
            b';' => "세미콜론 (;)",
            _ => "쉼표 (,)",
        }
    }
}

/// Why no list was found in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    #[error("내용이 없습니다: 머리글 행을 찾을 수 없습니다 (no header row found)")]
    NoHeader,
}

/// Physical line numbers from byte offsets. The csv crate's own line count skips blank lines,
/// and users look rows up in an editor, so we count newlines ourselves; offsets only grow.
#[derive(Debug, Default)]
pub struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    /// The 1-based line of byte `offset` in `text` (offsets must not decrease).
    pub fn line_at(&mut self, text: &str, offset: u64) -> u64 {
        let mut target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        // A record's offset includes the blank lines and stray CR/LF read before it.
        while matches!(text.as_bytes().get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        if target > self.offset {
            let newlines = text.as_bytes()[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = target;
        }
        self.line + 1
    }
}

/// Records looked at to find the header.
const LOOKAHEAD: usize = 30;

/// A csv reader over `text` the way every step reads it: no header handling (we find it),
/// ragged rows allowed.
pub fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

/// Finds delimiter and header: the row naming the most known fields (at least two) wins,
/// else the first row with the most non-empty cells.
pub fn sniff(text: &str) -> Result<Sniffed, SniffError> {
    let mut best: Option<(usize, Sniffed)> = None;
    for delimiter in [b',', b'\t', b';'] {
        let mut rdr = reader(text, delimiter);
        let mut lines = LineCounter::default();
        for (index, rec) in rdr.records().take(LOOKAHEAD).enumerate() {
            let Ok(rec) = rec else { break };
            let mut fields: Vec<&str> =
                rec.iter().filter_map(|h| suggest(h).map(|s| s.0)).collect();
            fields.sort_unstable();
            fields.dedup();
            let filled = rec.iter().filter(|c| !c.trim().is_empty()).count();
            // Known fields count far more than filled cells, so a real header beats data.
            let score = fields.len() * 1000 + filled;
            if filled < 2 || best.as_ref().is_some_and(|(s, _)| *s >= score) {
                continue;
            }
            let header_line = lines.line_at(text, rec.position().map_or(0, |p| p.byte()));
            best = Some((
                score,
                Sniffed {
                    delimiter,
                    header_line,
                    header_record: index,
                    headers: rec
                        .iter()
                        .map(|h| h.trim().trim_start_matches('\u{FEFF}').to_string())
                        .collect(),
                },
            ));
        }
    }
    best.map(|(_, s)| s).ok_or(SniffError::NoHeader)
}

/// Why a record is skipped rather than parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Blank,
    Subtotal,
}

/// Blank rows and subtotal rows (합계, 소계, 총계, 계, "총 12개") are not data.
pub fn skip_reason(rec: &csv::StringRecord) -> Option<Skip> {
    let first = rec.iter().map(str::trim).find(|c| !c.is_empty());
    let first = first?;
    let folded: String = first.chars().filter(|c| !c.is_whitespace()).collect();
    let subtotal = matches!(folded.as_str(), "합계" | "소계" | "총계" | "계" | "누계")
        || (folded.starts_with('총') && folded.ends_with(['개', '건', '곳']))
        || folded.eq_ignore_ascii_case("total");
    subtotal.then_some(Skip::Subtotal)
}

/// `skip_reason` including blank rows.
pub fn classify(rec: &csv::StringRecord) -> Option<Skip> {
    if rec.iter().all(|c| c.trim().is_empty()) {
        return Some(Skip::Blank);
    }
    skip_reason(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_header_below_title_rows() {
        let text = "사회적기업 인증현황\n(2024.12.31. 기준)\n\n연번,기관명,인증번호,소재지\n1,다솜이재단,제2007-001호,서울 마포구\n";
        let s = sniff(text).unwrap();
        assert_eq!((s.delimiter, s.header_line, s.header_record), (b',', 4, 2));
        assert_eq!(s.headers[1], "기관명");
    }

    #[test]
    fn tabs_and_semicolons() {
        assert_eq!(
            sniff("기업명\t대표자\t주소\n가\t나\t다\n")
                .unwrap()
                .delimiter,
            b'\t'
        );
        assert_eq!(
            sniff("기업명;대표자;주소\n가;나;다\n").unwrap().delimiter,
            b';'
        );
    }

    #[test]
    fn unknown_headers_fall_back_to_the_first_wide_row() {
        let s = sniff("title\nfoo,bar,baz\n1,2,3\n").unwrap();
        assert_eq!(s.headers, vec!["foo", "bar", "baz"]);
        assert_eq!(sniff("\n\n").unwrap_err(), SniffError::NoHeader);
    }

    #[test]
    fn subtotals_and_blanks_are_skipped() {
        let rec = |cells: &[&str]| csv::StringRecord::from(cells.to_vec());
        assert_eq!(classify(&rec(&["", " "])), Some(Skip::Blank));
        assert_eq!(
            classify(&rec(&["합 계", "", "1,234"])),
            Some(Skip::Subtotal)
        );
        assert_eq!(classify(&rec(&["", "총 12개"])), Some(Skip::Subtotal));
        assert_eq!(classify(&rec(&["1", "다솜이재단"])), None);
    }
}
