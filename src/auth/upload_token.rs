//! The CSRF token of a file upload, read from the form itself.
//!
//! An upload's body is streamed to its route (`policy::WriteRoute::streamed`), so the guard
//! cannot read it whole to find the token as it does for other forms. The upload forms
//! therefore put their hidden `csrf` field first, and browsers send fields in the order of the
//! form, so the token is the body's first part. The guard reads only that part (at most
//! [`LEAD_LIMIT`] bytes), checks it, and hands the route the body with those bytes put back
//! in front. The token never travels in the URL, where logs and history would keep it.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use futures_util::StreamExt;
use http_body_util::BodyExt;

/// The most of an upload read to find the `csrf` field it opens with: a boundary, a
/// `Content-Disposition` line and a 64-character token take about 250 bytes.
pub const LEAD_LIMIT: usize = 4096;

/// The boundary of a `multipart/form-data` request, if it is one.
pub fn boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

/// What the bytes read so far say about the body's first part.
#[derive(Debug, PartialEq, Eq)]
enum Lead {
    /// The first part is the `csrf` field, with this value.
    Token(String),
    /// Not yet known: more bytes are needed.
    More,
    /// The body does not open with a `csrf` field.
    Absent,
}

/// Reads `lead`, the first bytes of a multipart body with `boundary`.
fn read_lead(lead: &[u8], boundary: &str) -> Lead {
    let opening = format!("--{boundary}\r\n");
    if lead.len() < opening.len() {
        return if opening.as_bytes().starts_with(lead) {
            Lead::More
        } else {
            Lead::Absent
        };
    }
    let Some(rest) = lead.strip_prefix(opening.as_bytes()) else {
        return Lead::Absent;
    };
    let Some(headers_end) = find(rest, b"\r\n\r\n") else {
        return Lead::More;
    };
    let Ok(headers) = std::str::from_utf8(&rest[..headers_end]) else {
        return Lead::Absent;
    };
    if !headers.split("\r\n").any(names_the_token) {
        return Lead::Absent;
    }
    let value = &rest[headers_end + 4..];
    let Some(value_end) = find(value, format!("\r\n--{boundary}").as_bytes()) else {
        return Lead::More;
    };
    match std::str::from_utf8(&value[..value_end]) {
        Ok(token) => Lead::Token(token.to_string()),
        Err(_) => Lead::Absent,
    }
}

/// True for `Content-Disposition: form-data; name="csrf"` (a plain field, not a file).
fn names_the_token(line: &str) -> bool {
    let Some((name, value)) = line.split_once(':') else {
        return false;
    };
    if !name.trim().eq_ignore_ascii_case("content-disposition") {
        return false;
    }
    let mut params = value.split(';').map(str::trim);
    if !params
        .next()
        .is_some_and(|d| d.eq_ignore_ascii_case("form-data"))
    {
        return false;
    }
    let (mut named, mut file) = (false, false);
    for p in params {
        let (key, v) = p.split_once('=').unwrap_or((p, ""));
        let key = key.trim();
        if key.eq_ignore_ascii_case("name") {
            named = v.trim().trim_matches('"') == "csrf";
        } else if key.eq_ignore_ascii_case("filename") || key.eq_ignore_ascii_case("filename*") {
            file = true;
        }
    }
    named && !file
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The token an upload opens with, and the whole body to hand on (the bytes read put back in
/// front of the rest). `None` when the body does not open with a `csrf` field within
/// [`LEAD_LIMIT`] bytes, or cannot be read that far.
pub async fn take(body: Body, boundary: &str) -> Option<(String, Body)> {
    let mut body = body;
    let mut lead = Vec::new();
    let token = loop {
        match read_lead(&lead, boundary) {
            Lead::Token(t) => break t,
            Lead::Absent => return None,
            Lead::More if lead.len() >= LEAD_LIMIT => return None,
            Lead::More => {}
        }
        let frame = body.frame().await?.ok()?;
        if let Ok(data) = frame.into_data() {
            lead.extend_from_slice(&data);
        }
    };
    let front = futures_util::stream::once(async move { Ok::<_, axum::Error>(Bytes::from(lead)) });
    Some((
        token,
        Body::from_stream(front.chain(body.into_data_stream())),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "a1b2c3";

    fn form(first: &str) -> Vec<u8> {
        format!(
            "--XyZ\r\n{first}\r\n\r\n{TOKEN}\r\n--XyZ\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx,y\r\n--XyZ--\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn the_token_is_read_from_the_first_part_only() {
        let body = form("Content-Disposition: form-data; name=\"csrf\"");
        assert_eq!(read_lead(&body, "XyZ"), Lead::Token(TOKEN.into()));
        let bare = form("content-disposition: form-data; name=csrf");
        assert_eq!(read_lead(&bare, "XyZ"), Lead::Token(TOKEN.into()));
        // Any shorter start of it asks for more: the token is whole only once the next
        // boundary shows where it ends.
        let whole = find(&body, TOKEN.as_bytes()).unwrap() + TOKEN.len() + "\r\n--XyZ".len();
        for end in 0..whole {
            assert_eq!(read_lead(&body[..end], "XyZ"), Lead::More, "{end}");
        }
        assert_eq!(read_lead(&body[..whole], "XyZ"), Lead::Token(TOKEN.into()));
        // Another field first, a file called csrf, another boundary: no token.
        for first in [
            "Content-Disposition: form-data; name=\"source\"",
            "Content-Disposition: form-data; name=\"csrf\"; filename=\"t.txt\"",
            "Content-Disposition: attachment; name=\"csrf\"",
            "Content-Disposition: form-data; name=\"csrfx\"",
        ] {
            assert_eq!(read_lead(&form(first), "XyZ"), Lead::Absent, "{first}");
        }
        assert_eq!(read_lead(&body, "Other"), Lead::Absent);
        assert_eq!(read_lead(b"garbage", "XyZ"), Lead::Absent);
    }

    #[test]
    fn the_boundary_comes_from_a_multipart_content_type() {
        let with = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, ct.parse().unwrap());
            boundary(&h)
        };
        assert_eq!(
            with("multipart/form-data; boundary=----WebKitFormBoundaryQ1").as_deref(),
            Some("----WebKitFormBoundaryQ1")
        );
        assert_eq!(
            with("Multipart/Form-Data; charset=utf-8; Boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(with("multipart/form-data"), None);
        assert_eq!(with("application/x-www-form-urlencoded; boundary=x"), None);
        assert_eq!(boundary(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn the_route_gets_every_byte_back_in_order() {
        let body = form("Content-Disposition: form-data; name=\"csrf\"");
        // Sent in small pieces, as a slow client would.
        let pieces: Vec<Result<Bytes, std::io::Error>> = body
            .chunks(7)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let sent = Body::from_stream(futures_util::stream::iter(pieces));
        let (token, handed_on) = take(sent, "XyZ").await.expect("token");
        assert_eq!(token, TOKEN);
        let got = handed_on.collect().await.unwrap().to_bytes();
        assert_eq!(got.as_ref(), body.as_slice());
    }

    #[tokio::test]
    async fn a_body_without_the_token_is_read_no_further_than_the_limit() {
        let endless = futures_util::stream::repeat_with(|| {
            Ok::<_, std::io::Error>(Bytes::from_static(b"--XyZ\r\naaaaaaaa"))
        });
        assert!(take(Body::from_stream(endless), "XyZ").await.is_none());
        let headers_only = format!("--XyZ\r\n{}", "X-Long: y\r\n".repeat(1000));
        assert!(
            take(Body::from(headers_only), "XyZ").await.is_none(),
            "headers longer than the limit"
        );
    }
}
