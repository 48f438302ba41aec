//! Report photos through the real router: upload, thumbnail, content sniffing, file-name
//! sanitising, roles, draft visibility, size limits, ordering, described photos and delete.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tambang::domain::Role;
use tambang::entities::{audit_log, report, report_photo};
use tower::ServiceExt;

use crate::both_backends;
use crate::helpers::{Backend, Client, Reply, TestApp, encode, spawn_app, token_first};

const DEMO: &str = "seongdong-visit-2023-12";

pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(w, h, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    }));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// A multipart body: text fields, then the file part.
fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XtambangPhoto42";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    client: &mut Client<'_>,
    path: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    file: &[u8],
) -> Reply {
    let csrf = client.csrf().await;
    let (ct, body) = multipart(fields, file_name, file);
    let body = token_first(&csrf, &ct, &body);
    let request = Request::post(path)
        .header("content-type", ct)
        .header("content-length", body.len())
        .body(Body::from(body))
        .unwrap();
    client.send(request).await
}

/// GET with the client's cookies, keeping the body as bytes.
async fn get_bytes(
    app: &TestApp,
    client: &Client<'_>,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    let jar: Vec<String> = client
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !jar.is_empty() {
        request = request.header("cookie", jar.join("; "));
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes.to_vec())
}

async fn report_id(app: &TestApp, slug: &str) -> i64 {
    report::Entity::find()
        .filter(report::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn photos(app: &TestApp, slug: &str) -> Vec<report_photo::Model> {
    report_photo::Entity::find()
        .filter(report_photo::Column::ReportId.eq(report_id(app, slug).await))
        .order_by_asc(report_photo::Column::Position)
        .order_by_asc(report_photo::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

fn photos_url(slug: &str) -> String {
    format!("/reports/{}/photos", encode(slug))
}

both_backends!(an_uploaded_png_gets_a_thumbnail_a_safe_name_and_a_place_on_the_page);

async fn an_uploaded_png_gets_a_thumbnail_a_safe_name_and_a_place_on_the_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let before = photos(&app, DEMO).await.len();
    let original = png(800, 600);
    let r = upload(
        &mut editor,
        &photos_url(DEMO),
        &[
            ("caption", "성수동 골목 풍경"),
            ("credit", "용산구 사경센터"),
        ],
        "../../x.png",
        &original,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rows = photos(&app, DEMO).await;
    assert_eq!(rows.len(), before + 1);
    let p = rows.iter().find(|p| p.data.is_some()).expect("stored");
    assert_eq!(p.file_name, "x.png", "path components stripped");
    assert_eq!(p.content_type.as_deref(), Some("image/png"));
    assert_eq!(p.byte_size, Some(original.len() as i64));
    assert_eq!(p.data.as_deref(), Some(&original[..]));
    assert_eq!((p.thumb_width, p.thumb_height), (Some(480), Some(360)));
    assert_eq!(p.position as usize, before, "added after the last photo");

    // The thumbnail is an image anyone may fetch for a published report.
    let anon = app.client();
    let thumb_url = format!("/reports/{DEMO}/photos/{}/thumb", p.id);
    let (status, headers, bytes) = get_bytes(&app, &anon, &thumb_url, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("private")
    );
    let thumb = image::load_from_memory(&bytes).expect("thumbnail decodes");
    assert_eq!((thumb.width(), thumb.height()), (480, 360));
    let etag = headers["etag"].to_str().unwrap().to_string();
    let (status, _, body) =
        get_bytes(&app, &anon, &thumb_url, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());

    // The full image comes back byte for byte with its own type and a safe disposition.
    let (status, headers, bytes) = get_bytes(
        &app,
        &anon,
        &format!("/reports/{DEMO}/photos/{}", p.id),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(bytes, original);
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("inline;") && disposition.contains("x.png"));
    assert!(!disposition.contains(".."));

    // The report page shows it with alt text, size, caption and credit.
    let page = app.get_html(&format!("/reports/{DEMO}")).await;
    let sha = p.sha256.as_deref().unwrap();
    assert!(page.contains(&format!(
        "src=\"/reports/{DEMO}/photos/{}/thumb?v={}\"",
        p.id,
        &sha[..16]
    )));
    assert!(page.contains("alt=\"성수동 골목 풍경\""));
    assert!(page.contains("width=\"480\" height=\"360\""));
    assert!(page.contains("사진출처. 용산구 사경센터"));
    // The versioned URL may be cached for good.
    let (_, headers, _) =
        get_bytes(&app, &anon, &format!("{thumb_url}?v={}", &sha[..16]), &[]).await;
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );

    // Audited, without the bytes.
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("report_photos"))
        .filter(audit_log::Column::RowId.eq(p.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audit row");
    let changes = audit.changes.unwrap().to_string();
    assert!(changes.contains("x.png") && !changes.contains("\"data\""));
    assert_eq!(audit.actor, "editor@example.org");
}

both_backends!(a_text_file_named_jpg_is_refused_and_nothing_is_stored);

async fn a_text_file_named_jpg_is_refused_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let before = report_photo::Entity::find().count(&app.db).await.unwrap();
    let r = upload(
        &mut editor,
        &photos_url(DEMO),
        &[("caption", "가짜 사진"), ("credit", "누군가")],
        "x.jpg",
        b"this is plain text, not a JPEG\n",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("JPEG, PNG, WebP 사진만 올릴 수 있습니다"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"가짜 사진\""), "caption kept");
    assert!(r.body.contains("value=\"누군가\""), "credit kept");
    // A bomb: a PNG header claiming 100,000 × 100,000 pixels.
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let r = upload(&mut editor, &photos_url(DEMO), &[], "bomb.png", &bomb).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("이미지가") || r.body.contains("손상"),
        "{}",
        r.body
    );
    // No file at all.
    let r = upload(&mut editor, &photos_url(DEMO), &[("caption", "x")], "", b"").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("사진 파일을 골라 주세요"));
    assert_eq!(
        report_photo::Entity::find().count(&app.db).await.unwrap(),
        before
    );
}

both_backends!(viewers_cannot_upload_and_draft_photos_stay_hidden);

async fn viewers_cannot_upload_and_draft_photos_stay_hidden(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut viewer = app.signed_in("viewer@example.org", Role::Viewer).await;
    let r = upload(&mut viewer, &photos_url(DEMO), &[], "a.png", &png(10, 10)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut anon = app.client();
    let r = upload(&mut anon, &photos_url(DEMO), &[], "a.png", &png(10, 10)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
    assert_eq!(
        viewer.get(&photos_url(DEMO)).await.status,
        StatusCode::FORBIDDEN
    );

    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let r = editor
        .post_form("/reports", &[("title", "Draft visit"), ("state", "draft")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let slug = "draft-visit";
    let r = upload(
        &mut editor,
        &photos_url(slug),
        &[("caption", "초안 사진")],
        "d.png",
        &png(20, 20),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = photos(&app, slug).await[0].id;
    for suffix in ["", "/thumb"] {
        let url = format!("/reports/{slug}/photos/{id}{suffix}");
        let (status, _, _) = get_bytes(&app, &anon, &url, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "anonymous {url}");
        let (status, _, _) = get_bytes(&app, &viewer, &url, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "viewer {url}");
        let (status, _, _) = get_bytes(&app, &editor, &url, &[]).await;
        assert_eq!(status, StatusCode::OK, "editor {url}");
    }
    // A photo id under another report's slug is not found.
    let (status, _, _) =
        get_bytes(&app, &editor, &format!("/reports/{DEMO}/photos/{id}"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

both_backends!(an_over_limit_upload_is_refused_with_413_before_it_is_stored);

/// A photo over 10 MB is refused beside the file field with the caption and credit kept; a
/// request over the 32 MB a photo upload may send gets the 413 page, from its Content-Length
/// or, without one, while it is read. Nothing is stored either way.
async fn an_over_limit_upload_is_refused_with_413_before_it_is_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let before = report_photo::Entity::find().count(&app.db).await.unwrap();
    let mut big = png(8, 8);
    big.resize(11 * 1024 * 1024, 0);
    let typed = [
        ("caption", "성수동 <소영씨스토어> 매장"),
        ("credit", "성동구 사경센터"),
    ];
    // The caption comes before the file and the credit after it: both are read.
    let fields_around = |file: &[u8]| {
        let (ct, mut body) = multipart(&typed[..1], "big.png", file);
        let end = body.len() - "--XtambangPhoto42--\r\n".len();
        body.truncate(end);
        body.extend_from_slice(
            format!(
                "--XtambangPhoto42\r\nContent-Disposition: form-data; name=\"credit\"\r\n\r\n{}\r\n--XtambangPhoto42--\r\n",
                typed[1].1
            )
            .as_bytes(),
        );
        (ct, body)
    };
    let csrf = editor.csrf().await;
    for announce in [true, false] {
        let (ct, body) = fields_around(&big);
        let body = token_first(&csrf, &ct, &body);
        let mut request = Request::post(photos_url(DEMO)).header("content-type", ct);
        if announce {
            request = request.header("content-length", body.len());
        }
        let r = editor
            .send(request.body(futures_util_stream(body)).unwrap())
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        let file_error = field_error(&r.body, "file");
        assert!(
            file_error.contains("11.0MB") && file_error.contains("최대 10MB"),
            "beside the file field: {file_error:?} in {}",
            r.body
        );
        assert!(
            r.body
                .contains("value=\"성수동 &lt;소영씨스토어&gt; 매장\"")
                && r.body.contains("value=\"성동구 사경센터\""),
            "what was typed is kept: {}",
            r.body
        );
    }

    // Over what a photo upload may send at all.
    let mut huge = png(8, 8);
    huge.resize(33 * 1024 * 1024, 0);
    // With a Content-Length: refused from the header.
    let r = upload(&mut editor, &photos_url(DEMO), &typed, "huge.png", &huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("최대 32MB"), "{}", r.body);
    // Without one (streamed): refused while reading.
    let (ct, body) = multipart(&typed, "huge.png", &huge);
    let body = token_first(&csrf, &ct, &body);
    let request = Request::post(photos_url(DEMO))
        .header("content-type", ct)
        .body(futures_util_stream(body))
        .unwrap();
    let r = editor.send(request).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("최대 32MB"), "{}", r.body);
    // A streamed upload's form token is its first field, checked before the file is read:
    // missing, in the URL (where logs would keep it), after another field, or wrong, the
    // upload is refused.
    let (ct, body) = multipart(&typed, "big.png", &big);
    let (_, after_caption) = multipart(&[typed[0], ("csrf", &csrf)], "big.png", &big);
    for (path, body) in [
        (photos_url(DEMO), body.clone()),
        (format!("{}?csrf={csrf}", photos_url(DEMO)), body.clone()),
        (photos_url(DEMO), after_caption),
        (photos_url(DEMO), token_first(&"0".repeat(64), &ct, &body)),
    ] {
        let request = Request::post(&path)
            .header("content-type", &ct)
            .body(futures_util_stream(body))
            .unwrap();
        let r = editor.send(request).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        assert!(r.body.contains("CSRF"), "{}", r.body);
    }
    assert_eq!(
        report_photo::Entity::find().count(&app.db).await.unwrap(),
        before
    );
}

both_backends!(upload_forms_carry_their_token_first_and_never_in_the_url);

/// Every upload form opens with its hidden token (the guard reads an upload's token from its
/// first field), and no page puts the token in a URL.
async fn upload_forms_carry_their_token_first_and_never_in_the_url(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    let csrf = editor.csrf().await;
    for path in [photos_url(DEMO), "/imports/new".to_string()] {
        let page = editor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let forms: Vec<&str> = page
            .body
            .split("<form ")
            .skip(1)
            .filter(|f| {
                f.starts_with("class=\"stacked\" method=\"post\" enctype=\"multipart/form-data\"")
            })
            .collect();
        assert!(!forms.is_empty(), "{path} has an upload form");
        for form in forms {
            let inside = &form[form.find('>').unwrap() + 1..];
            assert!(
                inside.starts_with(&format!(
                    "<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">"
                )),
                "{path}: {}",
                &inside[..inside.len().min(200)]
            );
        }
        assert!(!page.body.contains("csrf="), "{path}");
    }
}

/// The error message shown beside the form's `field` (empty when there is none).
fn field_error(html: &str, field: &str) -> String {
    let open = format!("id=\"f-{field}-error\"");
    html.split_once(&open)
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once("</span>"))
        .map(|(text, _)| text.to_string())
        .unwrap_or_default()
}

/// A body with no known length, sent in 64 KiB chunks.
fn futures_util_stream(bytes: Vec<u8>) -> Body {
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> = bytes
        .chunks(64 * 1024)
        .map(|c| Ok(axum::body::Bytes::copy_from_slice(c)))
        .collect();
    Body::from_stream(futures_util::stream::iter(chunks))
}

both_backends!(described_photos_get_files_move_change_and_are_deleted);

async fn described_photos_get_files_move_change_and_are_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut editor = app.signed_in("editor@example.org", Role::Editor).await;
    // The demo report's photos are captions without files: a placeholder on the page.
    let described = photos(&app, DEMO).await;
    assert!(described.len() >= 2 && described.iter().all(|p| p.data.is_none()));
    let page = app.get_html(&format!("/reports/{DEMO}")).await;
    assert!(page.contains("사진 파일 없음"));
    assert!(page.contains("사진출처. 서울경제"));
    assert!(
        !page.contains("올려 주세요"),
        "anonymous readers get no upload link"
    );
    assert!(
        editor
            .get(&format!("/reports/{DEMO}"))
            .await
            .body
            .contains("올려 주세요")
    );

    // Attach a file to the first caption.
    let first = &described[0];
    let r = upload(
        &mut editor,
        &format!("{}/{}/file", photos_url(DEMO), first.id),
        &[],
        "C:\\Users\\me\\와디즈 매장.png",
        &png(300, 200),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let now = photos(&app, DEMO).await;
    let attached = now.iter().find(|p| p.id == first.id).unwrap();
    assert_eq!(attached.file_name, "와디즈 매장.png");
    assert_eq!(attached.caption, first.caption, "caption kept");
    assert_eq!(attached.position, first.position, "place kept");
    assert!(
        app.get_html(&format!("/reports/{DEMO}"))
            .await
            .contains(&format!("/photos/{}/thumb", first.id))
    );

    // Saving the report form keeps the attached file and the other captions' ids.
    let form = editor.get(&format!("/reports/{DEMO}/edit")).await.body;
    assert!(form.contains("사진 올리기·관리"));
    let other_ids: Vec<i64> = now
        .iter()
        .filter(|p| p.data.is_none())
        .map(|p| p.id)
        .collect();
    let version = report::Entity::find_by_id(report_id(&app, DEMO).await)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let lines: Vec<String> = now
        .iter()
        .filter(|p| p.data.is_none())
        .map(|p| match &p.credit {
            Some(c) => format!("{} | {c}", p.caption.clone().unwrap()),
            None => p.caption.clone().unwrap(),
        })
        .collect();
    let lines = lines.join("\n");
    let r = editor
        .post_form(
            &format!("/reports/{DEMO}/edit"),
            &[
                ("title", "성동구 탐방"),
                ("state", "published"),
                ("version", &version),
                ("photos", &lines),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = photos(&app, DEMO).await;
    assert!(after.iter().any(|p| p.id == first.id && p.data.is_some()));
    let after_ids: Vec<i64> = after
        .iter()
        .filter(|p| p.data.is_none())
        .map(|p| p.id)
        .collect();
    assert_eq!(after_ids, other_ids, "described photos keep their ids");

    // Move the attached photo down, then change its caption.
    let r = editor
        .post_form(
            &format!("{}/{}/move", photos_url(DEMO), first.id),
            &[("direction", "down")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let order: Vec<i64> = photos(&app, DEMO).await.iter().map(|p| p.id).collect();
    assert_eq!(order[1], first.id, "moved one place down");
    let positions: Vec<i32> = photos(&app, DEMO)
        .await
        .iter()
        .map(|p| p.position)
        .collect();
    assert_eq!(positions, (0..positions.len() as i32).collect::<Vec<_>>());
    let r = editor
        .post_form(
            &format!("{}/{}/edit", photos_url(DEMO), first.id),
            &[("caption", "와디즈 매장 전경"), ("credit", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let changed = report_photo::Entity::find_by_id(first.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(changed.caption.as_deref(), Some("와디즈 매장 전경"));
    assert_eq!(changed.credit, None);

    // Delete: the photo page links a confirmation, which shows the photo; an unticked box
    // deletes nothing.
    let delete = format!("{}/{}/delete", photos_url(DEMO), first.id);
    let listed = editor.get(&photos_url(DEMO)).await.body;
    assert!(listed.contains(&format!("<a class=\"danger\" href=\"{delete}\">")));
    let confirm = editor.get(&delete).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("와디즈 매장 전경") && confirm.body.contains("되돌릴 수 없습니다")
    );
    assert_eq!(
        app.client().get(&delete).await.status,
        StatusCode::SEE_OTHER,
        "editors only: the anonymous are sent to sign in"
    );
    let unticked = editor.post_form(&delete, &[]).await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unticked.body.contains("삭제하려면 확인란에 표시하세요"));
    assert!(
        report_photo::Entity::find_by_id(first.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_some(),
        "kept"
    );
    // Ticked: gone from the table, the page and the image URL; audited.
    let r = editor.post_form(&delete, &[("confirm", "yes")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        report_photo::Entity::find_by_id(first.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let (status, _, _) = get_bytes(
        &app,
        &editor,
        &format!("/reports/{DEMO}/photos/{}/thumb", first.id),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let deleted = audit_log::Entity::find()
        .filter(audit_log::Column::TableName.eq("report_photos"))
        .filter(audit_log::Column::RowId.eq(first.id))
        .filter(audit_log::Column::Action.eq("delete"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
}
