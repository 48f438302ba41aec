//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! attributes and the views' `ToSchema` derives, served at `/api/v1/openapi.json`. A test
//! checks it against `api::ROUTES`, the list the router is built from.

use std::borrow::Cow;

use axum::Json;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, ServerBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use crate::api::{
    entries, export, links, mentions, nearby, report_input, report_views, reports, views,
};
use crate::directory::input::EntryInput;
use crate::directory::write::LinkInput;
use crate::error::{ErrorBody, ErrorEnvelope};

/// The document: every route of `api::ROUTES` and the schemas they use.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tambang API",
        description = "탐방 Tambang: the social-economy directory as JSON. Reads are public \
                       (phone and e-mail only for signed-in callers); writes need an editor's \
                       or admin's API token as `Authorization: Bearer <token>`. Errors use one \
                       envelope: `{\"error\": {\"code\", \"message\", …}}`."
    ),
    paths(
        crate::api::show_me,
        show_openapi,
        search_doc,
        entries::list_entries,
        entries::create_entry,
        entries::show_entry,
        entries::show_entry_by_id,
        entries::update_entry,
        entries::archive_entry,
        entries::delete_entry,
        links::add_alias,
        links::remove_alias,
        links::add_link,
        links::remove_link,
        export::export_geojson,
        export::export_csv,
        nearby::list_nearby,
        mentions::detect_mentions,
        mentions::list_report_mentions,
        reports::list_reports,
        reports::create_report,
        reports::show_report,
        reports::update_report,
        reports::delete_report,
        reports::confirm_mention,
        reports::reject_mention,
    ),
    components(schemas(
        ErrorEnvelope,
        ErrorBody,
        views::MeView,
        views::EntryRef,
        views::EntrySummary,
        views::EntryList,
        views::EntryDetail,
        views::DetailsView,
        views::AliasView,
        views::LinkView,
        views::DuplicateView,
        EntryInputSchema,
        LinkInputSchema,
        links::AliasInput,
        mentions::DetectInput,
        nearby::NearbyItem,
        mentions::MentionView,
        report_views::ReportSummary,
        report_views::ReportList,
        report_views::ReportDetail,
        report_views::StopView,
        report_views::ParticipantView,
        report_views::TakeawayView,
        report_views::PhotoView,
        report_input::ReportBody,
        report_input::EntryKey,
        report_input::StopBody,
        report_input::ParticipantBody,
        report_input::TakeawayBody,
        report_input::PhotoBody,
    )),
    modifiers(&ServerAndSecurity)
)]
pub struct ApiDoc;

/// Adds the `/api/v1` server (paths are relative to it) and the bearer-token scheme.
struct ServerAndSecurity;

impl Modify for ServerAndSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.servers = Some(vec![ServerBuilder::new().url("/api/v1").build()]);
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (tambang_…) made on /account or with `tambang token create`",
                    ))
                    .build(),
            ),
        );
    }
}

/// `GET /api/v1/openapi.json`: this document.
#[utoipa::path(
    get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object))
)]
pub async fn show_openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Documents `GET /api/v1/search`, whose handler lives with the search page
/// (`search::routes::api_search`).
#[utoipa::path(
    get, path = "/search", tag = "search",
    params(("q" = Option<String>, Query, description = "Up to 8 space-separated terms; all must match")),
    responses(
        (status = 200, description = "Results grouped by kind, best 20 per group, with totals", body = Object),
        (status = 400, body = ErrorEnvelope),
    )
)]
#[allow(dead_code)]
fn search_doc() {}

/// An object whose properties are the keys `value` serialises to, each a string, number,
/// boolean or null — how `EntryInput` and `LinkInput` read them (`lenient`). Built from the
/// types themselves, so a new input field shows up in the document by itself.
fn lenient_object(value: impl serde::Serialize, description: &str) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new().description(Some(description));
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(value) {
        for key in fields.keys() {
            object = object.property(
                key,
                ObjectBuilder::new().schema_type(SchemaType::from_iter([
                    Type::String,
                    Type::Number,
                    Type::Boolean,
                    Type::Null,
                ])),
            );
        }
    }
    RefOr::T(Schema::Object(object.build()))
}

/// The schema of `EntryInput` (the JSON body of create and update).
pub struct EntryInputSchema;

impl PartialSchema for EntryInputSchema {
    fn schema() -> RefOr<Schema> {
        lenient_object(
            EntryInput::default(),
            "An entry as sent: every field the entry form has, as strings (numbers and \
             booleans accepted). `kind`: district, center, enterprise, outlet, partner, \
             program or place; `district`: the district code (11200); `operator` and \
             `sponsor`: a slug, name or alias; dates YYYY-MM-DD; `version`: the version read \
             (update); `confirm_duplicates`: true to save despite likely duplicates.",
        )
    }
}

impl ToSchema for EntryInputSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EntryInput")
    }
}

/// The schema of `LinkInput` (the JSON body of adding a link).
pub struct LinkInputSchema;

impl PartialSchema for LinkInputSchema {
    fn schema() -> RefOr<Schema> {
        lenient_object(
            LinkInput::default(),
            "A new link: `link_type` (operates, sells_at, runs, funds, participates_in, \
             supports, member_of, located_in, partners_with); `direction`: `out` (this entry \
             → other, default) or `in`; `other`: the other entry's slug, name or alias; \
             `since`: YYYY-MM-DD; `source`.",
        )
    }
}

impl ToSchema for LinkInputSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("LinkInput")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route the router serves is documented with its method, and nothing else is.
    #[test]
    fn the_document_covers_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().unwrap();
        let mut documented = 0;
        for (method, path) in crate::api::ROUTES {
            let op = &paths
                .get(*path)
                .unwrap_or_else(|| panic!("{path} missing from the OpenAPI paths"))
                [method.as_str().to_ascii_lowercase()];
            assert!(op.is_object(), "{method} {path} not documented");
            documented += 1;
        }
        let in_doc: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(
            in_doc, documented,
            "the document names a route the router lacks"
        );
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        assert!(
            doc["components"]["schemas"]["EntryInput"]["properties"]["confirm_duplicates"]
                .is_object()
        );
    }

    /// Every write route of the API is in the policy table, and every API entry of the
    /// table is a route.
    #[test]
    fn api_writes_and_the_policy_table_agree() {
        use crate::auth::policy::{WRITE_ROUTES, is_safe};
        for (method, path) in crate::api::ROUTES {
            let full = format!("/api/v1{path}");
            assert_eq!(
                is_safe(method),
                !WRITE_ROUTES
                    .iter()
                    .any(|r| r.method == *method && r.path == full),
                "{method} {full}: write routes must be in WRITE_ROUTES"
            );
        }
        for rule in WRITE_ROUTES.iter().filter(|r| r.path.starts_with("/api/")) {
            assert!(
                crate::api::ROUTES
                    .iter()
                    .any(|(m, p)| *m == rule.method && format!("/api/v1{p}") == rule.path),
                "{} {} is in WRITE_ROUTES but not routed",
                rule.method,
                rule.path
            );
        }
    }
}
