//! Page chrome below the header and the shaping of the body text.
//!
//! What a board page adds around the post when copied as text: a heading that repeats the
//! title ("• < 성동구 … 사례탐방 >"), list bullets, and footer links (목록, 이전글, 다음글).
//! The body keeps the author's words and paragraphs and loses the page's furniture.

/// Bullet glyphs that decorate a line's start; `-` and `*` are left alone because authors
/// type them as real list markers.
const BULLETS: [char; 16] = [
    '•', '·', '‣', '◦', '▪', '▫', '●', '○', '■', '□', '◆', '◇', '▶', '▷', '►', '◎',
];

/// Footer lines: whole-line labels, and prefixes of navigation lines.
const FOOTER_LINES: [&str; 12] = [
    "목록",
    "목록보기",
    "목록으로",
    "공유하기",
    "인쇄",
    "인쇄하기",
    "TOP",
    "Top",
    "top",
    "맨 위로",
    "위로",
    "스크랩",
];
const FOOTER_PREFIXES: [&str; 6] = ["이전글", "다음글", "윗글", "아랫글", "첨부파일", "댓글"];

/// The line without leading bullet glyphs: "• < 제목 >" → "< 제목 >".
pub fn strip_bullet(line: &str) -> &str {
    line.trim_start_matches(|c: char| BULLETS.contains(&c) || c == ' ')
        .trim_end()
}

/// Whether `line` is a heading that only repeats the title, e.g. "• < 제목 >" or "[제목]".
pub fn repeats_title(line: &str, title: &str) -> bool {
    let core = heading_core(line);
    !core.is_empty() && core == heading_core(title)
}

/// Text without bullets, heading brackets and spaces, for comparing headings with titles.
fn heading_core(text: &str) -> String {
    text.chars()
        .filter(|c| !BULLETS.contains(c) && !c.is_whitespace())
        .filter(|c| {
            !matches!(
                c,
                '<' | '>' | '〈' | '〉' | '《' | '》' | '[' | ']' | '【' | '】' | '「' | '」'
            )
        })
        .collect()
}

/// Indices of footer chrome lines at the end of the post (scanning back from the last line,
/// stopping at the first line of prose).
pub fn footer_lines(lines: &[&str], eligible: &[bool]) -> Vec<usize> {
    let mut found = Vec::new();
    for i in (0..lines.len()).rev() {
        let line = lines[i];
        if line.is_empty() || !eligible.get(i).copied().unwrap_or(false) {
            continue;
        }
        let is_footer =
            FOOTER_LINES.contains(&line) || FOOTER_PREFIXES.iter().any(|p| line.starts_with(p));
        if !is_footer {
            break;
        }
        found.push(i);
    }
    found.reverse();
    found
}

/// Joins body lines: bullets stripped, lines trimmed, runs of blank lines collapsed to one
/// blank line between paragraphs, no blank lines at either end.
pub fn assemble_body<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut body = String::new();
    let mut pending_blank = false;
    for line in lines {
        let line = strip_bullet(line.trim());
        if line.is_empty() {
            pending_blank = !body.is_empty();
            continue;
        }
        if !body.is_empty() {
            body.push('\n');
            if pending_blank {
                body.push('\n');
            }
        }
        body.push_str(line);
        pending_blank = false;
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bullets_but_keeps_heading_text() {
        assert_eq!(
            strip_bullet("  • < 성동구 사례탐방 > "),
            "< 성동구 사례탐방 >"
        );
        assert_eq!(strip_bullet("▶ 일정"), "일정");
        assert_eq!(strip_bullet("- 목록 항목"), "- 목록 항목");
    }

    #[test]
    fn heading_repeating_the_title() {
        assert!(repeats_title(
            "• < 성동구 사회적경제 네트워크 사례탐방 >",
            "성동구 사회적경제 네트워크 사례탐방"
        ));
        assert!(!repeats_title("< 오전 일정 >", "성동구 사례탐방"));
        assert!(!repeats_title("•", ""));
    }

    #[test]
    fn footer_at_the_end_only() {
        let lines = [
            "목록",
            "본문입니다.",
            "",
            "이전글 성동구 탐방 1",
            "다음글 없음",
            "목록",
        ];
        assert_eq!(footer_lines(&lines, &[true; 6]), vec![3, 4, 5]);
    }

    #[test]
    fn paragraphs_collapse() {
        let body = assemble_body(["", "  첫 줄  ", "", "", "", "둘째 줄", "셋째 줄", "", ""]);
        assert_eq!(body, "첫 줄\n\n둘째 줄\n셋째 줄");
        assert_eq!(assemble_body(["", " "]), "");
    }
}
