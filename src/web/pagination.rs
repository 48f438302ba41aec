//! Page numbers from the query string, parsed leniently: a list page must never fail because
//! someone typed `?page=-1` or `?page=abc`.

use maud::{Markup, html};
use serde::Deserialize;

/// Entries per list page.
pub const PER_PAGE: u64 = 50;
/// The highest page number honoured; beyond it the list is simply empty.
const MAX_PAGE: u64 = 1_000_000;

/// `?page=N` as typed by the user.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

impl PageQuery {
    /// The 1-based page number: anything unparsable or below 1 is page 1.
    pub fn number(&self) -> u64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, MAX_PAGE)
    }
}

/// Where a page sits in a list of `total` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl Pager {
    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page).max(1)
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

/// Previous and next links under a list at `path` (`path?page=N`), when it has more than one
/// page.
pub fn nav(ctx: &crate::auth::extract::Ctx, path: &str, pager: Pager) -> Markup {
    html! {
        @if pager.pages() > 1 {
            nav.pager aria-label=(ctx.t("쪽", "Pages")) {
                @if pager.has_prev() { a href={ (path) "?page=" (pager.page - 1) } { (ctx.t("← 이전", "← Previous")) } }
                span { (pager.page) " / " (pager.pages()) }
                @if pager.has_next() { a href={ (path) "?page=" (pager.page + 1) } { (ctx.t("다음 →", "Next →")) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> PageQuery {
        PageQuery {
            page: Some(s.to_string()),
        }
    }

    #[test]
    fn bad_page_numbers_fall_back_to_the_first_page() {
        assert_eq!(q("-1").number(), 1);
        assert_eq!(q("abc").number(), 1);
        assert_eq!(q("0").number(), 1);
        assert_eq!(PageQuery::default().number(), 1);
        assert_eq!(q("99999999999999999999999").number(), 1);
        assert_eq!(q("18446744073709551615").number(), MAX_PAGE);
        assert_eq!(q(" 3 ").number(), 3);
    }

    #[test]
    fn pager_arithmetic() {
        let p = Pager {
            page: 2,
            per_page: 50,
            total: 120,
        };
        assert_eq!(p.offset(), 50);
        assert_eq!(p.pages(), 3);
        assert!(p.has_prev() && p.has_next());
        let empty = Pager {
            page: 1,
            per_page: 50,
            total: 0,
        };
        assert_eq!(empty.pages(), 1);
        assert!(!empty.has_next());
    }
}
