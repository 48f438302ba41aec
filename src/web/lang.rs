//! The interface language: Korean by default, English with `?lang=en` or a browser that
//! prefers English; the choice is remembered in a cookie.

use axum::http::{HeaderMap, header};

/// Cookie that remembers an explicit choice.
pub const COOKIE: &str = "tambang_lang";

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ko,
    En,
}

impl Lang {
    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
        }
    }

    /// Picks `ko` or `en` text.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ko" | "kor" | "korean" => Some(Lang::Ko),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The language a query string asks for explicitly (`lang=en`), if any.
pub fn from_query(query: Option<&str>) -> Option<Lang> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).ok()?;
    pairs
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

/// The link that shows the same page in `lang`: the page's query string (`query`, without `?`)
/// with its `lang` replaced, so a search or a filtered list keeps its terms. A form token in the
/// query (multipart forms carry it there) is never copied into a link.
pub fn switch_href(query: &str, lang: Lang) -> String {
    let mut kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            !pair.is_empty() && key != "lang" && key != "csrf"
        })
        .collect();
    let choice = format!("lang={}", lang.tag());
    kept.push(&choice);
    format!("?{}", kept.join("&"))
}

/// The language for a request: explicit cookie, else the browser's first supported
/// preference in `Accept-Language`, else Korean.
pub fn negotiate(headers: &HeaderMap) -> Lang {
    if let Some(l) = crate::auth::cookies::read(headers, COOKIE).and_then(|v| Lang::parse(&v)) {
        return l;
    }
    let Some(accept) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::Ko;
    };
    let mut prefs: Vec<(f32, Lang)> = accept
        .split(',')
        .filter_map(|part| {
            let mut bits = part.split(';');
            let tag = bits.next()?.trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| {
                    b.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = Lang::parse(tag.split('-').next()?)?;
            Some((q, lang))
        })
        .collect();
    prefs.sort_by(|a, b| b.0.total_cmp(&a.0));
    prefs.first().map_or(Lang::Ko, |(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(accept: &str, cookie: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_str(accept).unwrap(),
        );
        if let Some(c) = cookie {
            h.insert(header::COOKIE, HeaderValue::from_str(c).unwrap());
        }
        h
    }

    #[test]
    fn negotiation_prefers_cookie_then_browser_then_korean() {
        assert_eq!(negotiate(&headers("en-US,en;q=0.9", None)), Lang::En);
        assert_eq!(
            negotiate(&headers("ko-KR,ko;q=0.9,en;q=0.8", None)),
            Lang::Ko
        );
        assert_eq!(negotiate(&headers("fr-FR,en;q=0.5", None)), Lang::En);
        assert_eq!(negotiate(&headers("fr", None)), Lang::Ko);
        assert_eq!(negotiate(&headers("en", Some("tambang_lang=ko"))), Lang::Ko);
        assert_eq!(negotiate(&HeaderMap::new()), Lang::Ko);
    }

    #[test]
    fn the_switch_keeps_the_page_query_but_its_language_and_form_token() {
        assert_eq!(switch_href("", Lang::En), "?lang=en");
        assert_eq!(
            switch_href("q=%EC%84%B1%EB%8F%99&page=2&lang=ko", Lang::En),
            "?q=%EC%84%B1%EB%8F%99&page=2&lang=en"
        );
        assert_eq!(switch_href("csrf=abc&x=1", Lang::Ko), "?x=1&lang=ko");
        assert_eq!(switch_href("&&lang=en&", Lang::Ko), "?lang=ko");
    }

    #[test]
    fn query_choice() {
        assert_eq!(from_query(Some("page=2&lang=en")), Some(Lang::En));
        assert_eq!(from_query(Some("lang=xx")), None);
        assert_eq!(from_query(None), None);
    }
}
