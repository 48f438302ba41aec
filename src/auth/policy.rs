//! Who may use which write route — the one table the guard enforces. A state-changing request
//! to a route missing from this table is refused outright, so a new write route cannot be
//! reachable without someone deciding who may use it (and the authorization matrix test
//! walks this table).

use axum::http::Method;

use crate::domain::Role;

/// The least privilege a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the sign-in form itself).
    Anyone,
    /// Any signed-in user.
    SignedIn,
    /// Editors and admins.
    Editor,
    /// Admins only.
    Admin,
}

impl Access {
    /// The role rank required (`Role::rank`); 0 for anyone.
    pub fn min_rank(self) -> u8 {
        match self {
            Access::Anyone => 0,
            Access::SignedIn => Role::Viewer.rank(),
            Access::Editor => Role::Editor.rank(),
            Access::Admin => Role::Admin.rank(),
        }
    }
}

/// Request bodies of ordinary forms and JSON are limited to this.
pub const FORM_LIMIT: usize = 1024 * 1024;

/// An upload of a list to the import wizard may be this large. Its body is read in pieces and
/// of the file only up to `import::views::UPLOAD_MIB` is kept: a file between the two is
/// refused beside the form's file field with the list's name and type still chosen; a larger
/// request gets the 413 page without being read.
pub const UPLOAD_LIMIT: usize = 40 * 1024 * 1024;

/// A report photo upload (one photo with its caption and credit) may be this large. Its body
/// is read in pieces, never held whole, and of the photo only up to
/// `reports::photo::MAX_PHOTO_BYTES` is kept: a photo between the two is refused beside the
/// form's file field with the caption and credit still typed in; a larger request gets the
/// 413 page without being read.
pub const PHOTO_LIMIT: usize = 32 * 1024 * 1024;

/// One write route: method, axum path pattern, access, and the body size it accepts.
#[derive(Debug, Clone)]
pub struct WriteRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub max_body: usize,
    /// The body is handed to the route as it arrives instead of read first (a file upload),
    /// unless it is an URL-encoded form, which may carry the CSRF token: the token must then
    /// come in a header or as the multipart form's first field (`upload_token`), and reading
    /// the body fails past `max_body`.
    pub streamed: bool,
}

const fn post(path: &'static str, access: Access) -> WriteRoute {
    WriteRoute {
        method: Method::POST,
        path,
        access,
        max_body: FORM_LIMIT,
        streamed: false,
    }
}

const fn put(path: &'static str, access: Access) -> WriteRoute {
    WriteRoute {
        method: Method::PUT,
        path,
        access,
        max_body: FORM_LIMIT,
        streamed: false,
    }
}

const fn delete(path: &'static str, access: Access) -> WriteRoute {
    WriteRoute {
        method: Method::DELETE,
        path,
        access,
        max_body: FORM_LIMIT,
        streamed: false,
    }
}

const fn upload(path: &'static str, access: Access) -> WriteRoute {
    WriteRoute {
        method: Method::POST,
        path,
        access,
        max_body: UPLOAD_LIMIT,
        streamed: true,
    }
}

const fn photo_upload(path: &'static str, access: Access) -> WriteRoute {
    WriteRoute {
        method: Method::POST,
        path,
        access,
        max_body: PHOTO_LIMIT,
        streamed: true,
    }
}

/// Every state-changing route of the app. Paths are axum patterns as matched, so API routes
/// carry their `/api/v1` prefix.
pub const WRITE_ROUTES: &[WriteRoute] = &[
    post("/login", Access::Anyone),
    post("/logout", Access::SignedIn),
    post("/account/password", Access::SignedIn),
    post("/account/tokens", Access::Editor),
    post("/account/tokens/{id}/revoke", Access::Editor),
    post("/admin/users", Access::Admin),
    post("/admin/users/{id}/role", Access::Admin),
    post("/entries", Access::Editor),
    post("/e/{slug}/edit", Access::Editor),
    post("/e/{slug}/archive", Access::Editor),
    post("/e/{slug}/delete", Access::Admin),
    post("/e/{slug}/aliases", Access::Editor),
    post("/e/{slug}/aliases/{id}/delete", Access::Editor),
    post("/e/{slug}/links", Access::Editor),
    post("/e/{slug}/links/{id}/delete", Access::Editor),
    post("/e/{slug}/merge", Access::Admin),
    post("/reports", Access::Editor),
    post("/reports/{slug}/edit", Access::Editor),
    post("/reports/{slug}/delete", Access::Admin),
    post("/takeaways/{id}/toggle", Access::Editor),
    post("/mentions/{id}/confirm", Access::Editor),
    post("/mentions/{id}/reject", Access::Editor),
    post("/mentions/{id}/link", Access::Editor),
    post("/reports/{slug}/relink", Access::Editor),
    post("/reports/import", Access::Editor),
    photo_upload("/reports/{slug}/photos", Access::Editor),
    photo_upload("/reports/{slug}/photos/{id}/file", Access::Editor),
    post("/reports/{slug}/photos/{id}/edit", Access::Editor),
    post("/reports/{slug}/photos/{id}/move", Access::Editor),
    post("/reports/{slug}/photos/{id}/delete", Access::Editor),
    post("/api/v1/entries", Access::Editor),
    put("/api/v1/entries/{slug}", Access::Editor),
    post("/api/v1/entries/{slug}/archive", Access::Editor),
    post("/api/v1/entries/{slug}/aliases", Access::Editor),
    delete("/api/v1/entries/{slug}/aliases/{id}", Access::Editor),
    post("/api/v1/entries/{slug}/links", Access::Editor),
    delete("/api/v1/entries/{slug}/links/{id}", Access::Editor),
    post("/api/v1/mentions/detect", Access::SignedIn),
    post("/api/v1/reports", Access::Editor),
    put("/api/v1/reports/{slug}", Access::Editor),
    post(
        "/api/v1/reports/{slug}/mentions/{id}/confirm",
        Access::Editor,
    ),
    post(
        "/api/v1/reports/{slug}/mentions/{id}/reject",
        Access::Editor,
    ),
    upload("/imports", Access::Editor),
    post("/imports/{id}/mapping", Access::Editor),
    post("/imports/{id}/apply", Access::Editor),
    delete("/api/v1/reports/{slug}", Access::Admin),
    // Last, because the authorization matrix test deletes its target entry with it.
    delete("/api/v1/entries/{slug}", Access::Admin),
];

/// The rule for a request's method and matched route pattern.
pub fn lookup(method: &Method, path: &str) -> Option<&'static WriteRoute> {
    WRITE_ROUTES
        .iter()
        .find(|r| r.method == *method && r.path == path)
}

/// Safe methods change nothing and need no rule.
pub fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}
