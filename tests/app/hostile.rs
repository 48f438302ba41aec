//! Hostile input: each gets a clear answer (never a 5xx) and changes nothing.
//! (Photos and spreadsheets have their own hostile cases next to their features; search
//! metacharacters are in `search_robustness.rs`.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};
use tambang::domain::Role;
use tambang::entities::entry;

use crate::both_backends;
use crate::helpers::{Backend, encode, spawn_app};
use futures_util::StreamExt;

both_backends!(
    a_huge_upload_is_refused_without_reading_it,
    invalid_utf8_in_a_form_is_refused,
    very_long_names_are_refused_next_to_the_field,
    metacharacters_in_every_list_parameter,
    odd_pagination_values,
);

/// A 1 GiB body announced honestly (Content-Length) and one sent without a length (chunked):
/// both are refused with 413 after reading at most the limit, not the gigabyte.
async fn a_huge_upload_is_refused_without_reading_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.signed_in("big@example.org", Role::Editor).await;
    let csrf = c.csrf().await;
    const GIB: u64 = 1 << 30;
    for announce in [true, false] {
        let produced = Arc::new(AtomicU64::new(0));
        let counter = produced.clone();
        let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
        let stream = futures_util::stream::unfold(0u64, move |sent| {
            let chunk = chunk.clone();
            let counter = counter.clone();
            async move {
                (sent < GIB).then(|| {
                    counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    (
                        Ok::<_, std::io::Error>(chunk.clone()),
                        sent + chunk.len() as u64,
                    )
                })
            }
        });
        let ct = "multipart/form-data; boundary=XYZ";
        // The token, then a file part that never ends.
        let file_part =
            b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n";
        let token = Bytes::from(crate::helpers::token_first(&csrf, ct, file_part));
        let stream =
            futures_util::stream::once(async move { Ok::<_, std::io::Error>(token) }).chain(stream);
        let mut req = Request::post("/imports").header("content-type", ct);
        if announce {
            req = req.header("content-length", GIB.to_string());
        }
        let r = c.send(req.body(Body::from_stream(stream)).unwrap()).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        assert!(
            r.body.contains("MB") || r.body.contains("크"),
            "the limit is stated: {}",
            r.body
        );
        let read = produced.load(Ordering::Relaxed);
        assert!(
            read <= 64 * 1024 * 1024,
            "read {read} bytes of a 1 GiB upload (announced: {announce})"
        );
    }
}

async fn entry_count(app: &crate::helpers::TestApp) -> u64 {
    entry::Entity::find().count(&app.db).await.expect("count")
}

/// A form body that is not UTF-8 is the client's error, stated, with nothing stored.
async fn invalid_utf8_in_a_form_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.signed_in("bytes@example.org", Role::Editor).await;
    let csrf = c.csrf().await;
    let before = entry_count(&app).await;
    for body in [
        // Raw invalid bytes in a value.
        [
            format!("csrf={csrf}&kind=place&status=active&name=").into_bytes(),
            vec![0xFF, 0xFE, 0xC3],
        ]
        .concat(),
        // Percent-encoded invalid bytes.
        format!("csrf={csrf}&kind=place&status=active&name=%FF%FE%C3").into_bytes(),
        // A NUL (PostgreSQL cannot store one).
        format!("csrf={csrf}&kind=place&status=active&name=a%00b").into_bytes(),
    ] {
        let r = c
            .send(
                Request::post("/entries")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("UTF-8"), "the reason is stated: {}", r.body);
    }
    assert_eq!(entry_count(&app).await, before, "nothing stored");
}

/// A 10,000-character name is refused with an error next to the field, the typed text kept;
/// on the API with a 422 envelope.
async fn very_long_names_are_refused_next_to_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut c = app.signed_in("long@example.org", Role::Editor).await;
    let before = entry_count(&app).await;
    let name = "가".repeat(10_000);
    let r = c
        .post_form(
            "/entries",
            &[("kind", "place"), ("status", "active"), ("name", &name)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.status);
    assert!(r.body.contains("field-error"), "error next to the field");
    assert!(r.body.contains(&name[..300]), "typed text kept");
    let r = c
        .post_form(
            "/reports",
            &[("title", &name), ("state", "draft"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("300자"), "{}", &r.body[..200]);
    assert_eq!(entry_count(&app).await, before, "nothing stored");
}

/// SQL and LIKE metacharacters in every filter and sort parameter of every list page.
async fn metacharacters_in_every_list_parameter(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = entry_count(&app).await;
    let params = [
        "district",
        "status",
        "cert_type",
        "social_purpose",
        "service_field",
        "channel",
        "operating_mode",
        "not_verified_since",
        "sort",
        "page",
        "q",
        "lang",
    ];
    let values = [
        "' OR 1=1 --",
        "\"; DROP TABLE entries; --",
        "%",
        "_",
        "\\",
        "\u{0}",
        "11200' UNION SELECT password_hash FROM users --",
        "%27%22",
        "<script>alert(1)</script>",
    ];
    for list in [
        "/enterprises",
        "/centers",
        "/outlets",
        "/places",
        "/districts",
        "/reports",
        "/search",
        "/api/v1/entries",
        "/compare",
    ] {
        for p in params {
            for v in values {
                let path = format!("{list}?{p}={}", encode(v));
                let (status, body) = app.get(&path).await;
                assert!(
                    status == StatusCode::OK
                        || status == StatusCode::BAD_REQUEST
                        || (list.starts_with("/api/")
                            && status == StatusCode::UNPROCESSABLE_ENTITY
                            && body.contains("\"error\"")),
                    "{path}: {status}"
                );
                assert!(!body.contains("<script>alert"), "{path}: unescaped output");
                assert!(!body.contains("$argon2"), "{path}: a password hash leaked");
            }
        }
    }
    assert_eq!(entry_count(&app).await, before);
}

/// Negative, zero, huge and non-numeric page numbers land on a real page.
async fn odd_pagination_values(backend: Backend) {
    let app = spawn_app(backend).await;
    for page in [
        "-1",
        "0",
        "99999999999999999999999",
        "18446744073709551615",
        "9223372036854775807",
        "1e9",
        "NaN",
        "",
        "２",
    ] {
        for list in [
            "/enterprises",
            "/reports",
            "/search?q=성수&x=1",
            "/api/v1/entries?x=1",
        ] {
            let sep = if list.contains('?') { '&' } else { '?' };
            let path = format!("{list}{sep}page={}", encode(page));
            let (status, _) = app.get(&path).await;
            // The API states a bad page number (422 with the envelope); pages clamp it.
            assert!(
                status == StatusCode::OK
                    || status == StatusCode::BAD_REQUEST
                    || (list.starts_with("/api/") && status == StatusCode::UNPROCESSABLE_ENTITY),
                "{path}: {status}"
            );
        }
    }
}
