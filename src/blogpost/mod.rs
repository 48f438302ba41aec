//! Recognises the parts of a pasted Korean blog post about a benchmark visit.
//!
//! Staff paste the plain text of a published post; [`parse_post`] finds the title, the header
//! (author, publication date, view count), the visit date and time, the participant count and
//! photo captions, and returns a cleaned body. Everything inferred is a suggestion with its
//! evidence, for an editor to confirm. Pure: no I/O, no clock, never panics, linear time.

mod chrome;
mod counts;
mod dates;
mod header;
mod normalize;
mod photos;
mod scan;
mod serde_iso;
mod times;
mod visit;

#[cfg(test)]
mod tests;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use normalize::normalize_text;
pub use photos::PhotoCaption;

/// A value the parser inferred, with the text it came from so the UI can show why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inferred<T> {
    /// The suggested value.
    pub value: T,
    /// The span of (normalised) text the value came from, e.g. "지난 12월 11일 월요일 오전 10시".
    pub evidence: String,
    /// 0.0–1.0; below 1.0 always, because an editor confirms every suggestion.
    pub confidence: f32,
    /// Why confidence is lowered or how an ambiguity was resolved, for the editor.
    pub note: Option<String>,
}

/// What the parser recognised in a pasted post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedPost {
    /// The title line without its leading tag.
    pub title: Option<String>,
    /// The tag before the title without brackets: "탐방후기" from "(탐방후기) …".
    pub title_tag: Option<String>,
    /// 작성자 from the header line.
    pub author: Option<String>,
    /// 작성일 from the header line.
    #[serde(serialize_with = "serde_iso::opt_date")]
    pub published_on: Option<NaiveDate>,
    /// 조회수 from the header line.
    pub view_count: Option<u32>,
    /// When the visit took place, from the title and body, resolved against `published_on`.
    #[serde(serialize_with = "serde_iso::opt_inferred_datetime")]
    pub visited_at: Option<Inferred<NaiveDateTime>>,
    /// How many people took part ("7명이 모였습니다").
    pub participant_count: Option<Inferred<u32>>,
    /// Photo captions with credits, in text order; their lines are not in `body`.
    pub photos: Vec<PhotoCaption>,
    /// The post's text: NFC, chrome, title, header and captions removed, bullets stripped,
    /// lines trimmed, paragraphs separated by one blank line.
    pub body: String,
    /// Lines dropped as page chrome (menus, a heading repeating the title, footer links).
    pub dropped_lines: Vec<String>,
}

/// What each line of the pasted text turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Body,
    Chrome,
    Title,
    Header,
    Caption,
}

/// Parses a pasted post. Dates without a year are resolved against the header's 작성일; when
/// the post has no header they are left out (see [`parse_post_with_reference`]).
pub fn parse_post(text: &str) -> ParsedPost {
    parse_post_with_reference(text, None)
}

/// Like [`parse_post`], with a fallback reference date (typically today, supplied by the
/// caller so that this module stays free of the clock) for posts without a 작성일.
pub fn parse_post_with_reference(text: &str, fallback_reference: Option<NaiveDate>) -> ParsedPost {
    let normalized = normalize_text(text);
    let lines: Vec<&str> = normalized.split('\n').map(str::trim).collect();
    let mut roles = vec![Role::Body; lines.len()];

    let top = header::find_top(&lines);
    for &i in &top.chrome_lines {
        roles[i] = Role::Chrome;
    }
    for &i in &top.header_lines {
        roles[i] = Role::Header;
    }
    let (title_tag, title) = match top.title_line {
        Some(i) => {
            roles[i] = Role::Title;
            let (tag, title) = header::split_title_tag(lines[i]);
            (tag, Some(title))
        }
        None => (None, None),
    };
    let body_start = top
        .header_lines
        .iter()
        .chain(top.title_line.iter())
        .max()
        .map_or(0, |&i| i + 1);
    for role in roles.iter_mut().take(body_start) {
        if *role == Role::Body {
            // Blank or stray lines between title and header are not part of the body either.
            *role = Role::Chrome;
        }
    }

    let title_line = top.title_line.map(|i| lines[i]);
    mark_repeated_title(&lines, &mut roles, body_start, title.as_deref(), title_line);
    mark_menu_repeats(&lines, &mut roles, &top.chrome_lines);
    let eligible: Vec<bool> = roles.iter().map(|r| *r == Role::Body).collect();
    for i in chrome::footer_lines(&lines, &eligible) {
        roles[i] = Role::Chrome;
    }

    let eligible: Vec<bool> = roles.iter().map(|r| *r == Role::Body).collect();
    let (photos, caption_lines) = photos::find_captions(&lines, &eligible);
    for i in caption_lines {
        roles[i] = Role::Caption;
    }

    let body_lines = (0..lines.len())
        .filter(|&i| roles[i] == Role::Body)
        .map(|i| lines[i]);
    let body = chrome::assemble_body(body_lines);
    let dropped_lines = (0..lines.len())
        .filter(|&i| roles[i] == Role::Chrome && !lines[i].is_empty())
        .map(|i| lines[i].to_string())
        .collect();

    // Dates and counts are read from the cleaned text, so the header's own 작성일 and the
    // captions never count as the visit.
    let reference = top.published_on.or(fallback_reference);
    let mut evidence_lines: Vec<&str> = title.as_deref().into_iter().collect();
    evidence_lines.extend(body.split('\n'));
    let visited_at = visit::infer_visit(&evidence_lines, reference);
    let participant_count = counts::infer_participants(&evidence_lines);
    ParsedPost {
        title,
        title_tag,
        author: top.author,
        published_on: top.published_on,
        view_count: top.view_count,
        visited_at,
        participant_count,
        photos,
        body,
        dropped_lines,
    }
}

/// The first body line, when it is a heading that only repeats the title (with or without
/// its tag), is chrome.
fn mark_repeated_title(
    lines: &[&str],
    roles: &mut [Role],
    body_start: usize,
    title: Option<&str>,
    title_line: Option<&str>,
) {
    let (Some(title), Some(title_line)) = (title, title_line) else {
        return;
    };
    let first = (body_start..lines.len()).find(|&i| !lines[i].is_empty() && roles[i] == Role::Body);
    if let Some(i) = first
        && (chrome::repeats_title(lines[i], title) || chrome::repeats_title(lines[i], title_line))
    {
        roles[i] = Role::Chrome;
    }
}

/// A line repeating a menu label dropped at the top (the menu printed again at the bottom)
/// is chrome wherever it appears.
fn mark_menu_repeats(lines: &[&str], roles: &mut [Role], chrome_lines: &[usize]) {
    let labels: std::collections::HashSet<&str> = chrome_lines
        .iter()
        .map(|&i| lines[i])
        .filter(|l| header::is_menu_label(l))
        .collect();
    if labels.is_empty() {
        return;
    }
    for (i, line) in lines.iter().enumerate() {
        if roles[i] == Role::Body && labels.contains(line) {
            roles[i] = Role::Chrome;
        }
    }
}
