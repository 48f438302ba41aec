//! Report editing (editors), deleting (admins), takeaways, upcoming visits and the iCalendar
//! feed. Write routes are also listed in `auth::policy::WRITE_ROUTES`.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireAdmin, RequireEditor};
use crate::directory::queries::entries_by_id;
use crate::entities::{
    report, report_entry, report_participant, report_photo, report_stop, takeaway,
};
use crate::error::{AppError, AppResult};
use crate::reports::edit_views::{
    ReportForm, delete_report_page, report_form_page, takeaways_page, upcoming_page,
};
use crate::reports::input::{ReportInput, parse_report};
use crate::reports::write::{self, ReportOutcome};
use crate::reports::{ics, queries};
use crate::web::form::{Confirm, FieldErrors, HtmlForm};
use crate::web::pagination::{PER_PAGE, PageQuery};
use crate::web::slug_path::{IdPath, SlugPath};
use crate::web::url::encode_component;

/// The report editing routes and the visit views.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/new", get(new_report))
        .route("/reports", post(create_report))
        .route("/reports/{slug}/edit", get(edit_report).post(update_report))
        .route(
            "/reports/{slug}/delete",
            get(confirm_delete_report).post(delete_report),
        )
        .route("/takeaways", get(list_takeaways))
        .route("/takeaways/{id}/toggle", post(toggle_takeaway))
        .route("/visits/upcoming", get(list_upcoming))
        .route("/visits.ics", get(visits_calendar))
}

fn report_path(slug: &str) -> String {
    format!("/reports/{}", encode_component(slug))
}

/// An empty report form.
async fn new_report(ctx: Ctx, RequireEditor(_): RequireEditor) -> Markup {
    let input = ReportInput {
        state: "draft".into(),
        ..Default::default()
    };
    report_form_page(
        &ctx,
        &ReportForm {
            input: &input,
            errors: &FieldErrors::default(),
            editing: None,
            conflict: None,
            notes: &[],
        },
    )
}

fn render_failed(
    ctx: &Ctx,
    input: &ReportInput,
    editing: Option<&report::Model>,
    outcome: &ReportOutcome,
) -> Response {
    let none = FieldErrors::default();
    let (errors, conflict, status) = match outcome {
        ReportOutcome::Invalid(e) => (e, None, StatusCode::UNPROCESSABLE_ENTITY),
        ReportOutcome::Conflict(theirs) => (&none, Some(theirs.as_ref()), StatusCode::CONFLICT),
        ReportOutcome::Saved(_) => (&none, None, StatusCode::OK),
    };
    let form = ReportForm {
        input,
        errors,
        editing,
        conflict,
        notes: &[],
    };
    (status, report_form_page(ctx, &form)).into_response()
}

/// Creates a report.
async fn create_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    HtmlForm(input): HtmlForm<ReportInput>,
) -> AppResult<Response> {
    let outcome = match parse_report(&input) {
        Ok(d) => write::create_report(&state.db, &user.actor(), &d).await?,
        Err(e) => ReportOutcome::Invalid(e),
    };
    Ok(match &outcome {
        ReportOutcome::Saved(r) => {
            crate::linking::relink_report(&state, r).await?;
            Redirect::to(&report_path(&r.slug)).into_response()
        }
        other => render_failed(&ctx, &input, None, other),
    })
}

async fn find_report(state: &AppState, slug: &str) -> AppResult<report::Model> {
    report::Entity::find()
        .filter(report::Column::Slug.eq(slug))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The stored report as form input (lists back into one line per item).
async fn stored_input(state: &AppState, r: &report::Model) -> AppResult<ReportInput> {
    let db = &state.db;
    let roles = report_entry::Entity::find()
        .filter(report_entry::Column::ReportId.eq(r.id))
        .all(db)
        .await?;
    let stops = report_stop::Entity::find()
        .filter(report_stop::Column::ReportId.eq(r.id))
        .order_by_asc(report_stop::Column::Position)
        .all(db)
        .await?;
    let people = report_participant::Entity::find()
        .filter(report_participant::Column::ReportId.eq(r.id))
        .order_by_asc(report_participant::Column::Position)
        .all(db)
        .await?;
    let takes = takeaway::Entity::find()
        .filter(takeaway::Column::ReportId.eq(r.id))
        .order_by_asc(takeaway::Column::Position)
        .all(db)
        .await?;
    let photos = report_photo::Entity::find()
        .filter(report_photo::Column::ReportId.eq(r.id))
        .filter(report_photo::Column::Data.is_null())
        .order_by_asc(report_photo::Column::Position)
        .all(db)
        .await?;
    let names = entries_by_id(
        db,
        roles
            .iter()
            .map(|x| x.entry_id)
            .chain(stops.iter().filter_map(|s| s.entry_id))
            .chain(takes.iter().filter_map(|t| t.entry_id)),
    )
    .await?;
    let slug_of = |id: Option<i64>| id.and_then(|id| names.get(&id)).map(|e| e.slug.clone());
    let role = |want: &str| {
        roles
            .iter()
            .filter(|x| x.role == want)
            .filter_map(|x| slug_of(Some(x.entry_id)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let tags: Vec<String> = r
        .tags
        .as_ref()
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .unwrap_or_default();
    Ok(ReportInput {
        title: r.title.clone(),
        slug: r.slug.clone(),
        author: r.author.clone().unwrap_or_default(),
        published_on: r.published_on.map(|d| d.to_string()).unwrap_or_default(),
        visit_date: r
            .visited_at
            .map(|v| v.date().to_string())
            .unwrap_or_default(),
        visit_time: r
            .visited_at
            .map(|v| v.format("%H:%M").to_string())
            .unwrap_or_default(),
        state: r.state.clone(),
        hosts: role("host"),
        visitors: role("visitor"),
        participant_count: r
            .participant_count
            .map(|n| n.to_string())
            .unwrap_or_default(),
        participants: people
            .iter()
            .map(|p| match &p.affiliation {
                Some(a) => format!("{} ({a})", p.name),
                None => p.name.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        body: r.body.clone(),
        source_url: r.source_url.clone().unwrap_or_default(),
        tags: tags.join(", "),
        stops: stops
            .iter()
            .map(|s| {
                let time = s
                    .at_time
                    .map(|t| format!("{} ", t.format("%H:%M")))
                    .unwrap_or_default();
                let target = slug_of(s.entry_id)
                    .or_else(|| s.label.clone())
                    .unwrap_or_default();
                let note = s
                    .note
                    .as_ref()
                    .map(|n| format!(" | {n}"))
                    .unwrap_or_default();
                format!("{time}{target}{note}")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        takeaways: takes
            .iter()
            .map(|t| {
                let parts = [
                    t.lesson.clone(),
                    slug_of(t.entry_id).unwrap_or_default(),
                    t.owner.clone().unwrap_or_default(),
                    t.due_on.map(|d| d.to_string()).unwrap_or_default(),
                ];
                parts.join(" | ").trim_end_matches([' ', '|']).to_string()
            })
            .collect::<Vec<_>>()
            .join("\n"),
        photos: photos
            .iter()
            .filter_map(|p| {
                let caption = p
                    .caption
                    .clone()
                    .filter(|c| !c.is_empty())
                    .unwrap_or_else(|| p.file_name.clone());
                (!caption.is_empty()).then(|| match &p.credit {
                    Some(c) => format!("{caption} | {c}"),
                    None => caption,
                })
            })
            .collect::<Vec<_>>()
            .join("\n"),
        version: r.version.to_string(),
    })
}

/// The edit form.
async fn edit_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let r = find_report(&state, &slug).await?;
    let input = stored_input(&state, &r).await?;
    Ok(report_form_page(
        &ctx,
        &ReportForm {
            input: &input,
            errors: &FieldErrors::default(),
            editing: Some(&r),
            conflict: None,
            notes: &[],
        },
    ))
}

/// Saves an edit.
async fn update_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<ReportInput>,
) -> AppResult<Response> {
    let r = find_report(&state, &slug).await?;
    let expected = input.version.trim().parse().unwrap_or(r.version);
    let outcome = match parse_report(&input) {
        Ok(d) => write::update_report(&state.db, &user.actor(), &r, &d, expected).await?,
        Err(e) => ReportOutcome::Invalid(e),
    };
    Ok(match &outcome {
        ReportOutcome::Saved(saved) => {
            crate::linking::relink_report(&state, saved).await?;
            Redirect::to(&report_path(&saved.slug)).into_response()
        }
        other => render_failed(&ctx, &input, Some(&r), other),
    })
}

/// The delete confirmation (admins): what deleting the report takes with it.
async fn confirm_delete_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(_): RequireAdmin,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let r = find_report(&state, &slug).await?;
    let impact = write::report_deletion_impact(&state.db, r.id).await?;
    Ok(delete_report_page(
        &ctx,
        &r,
        &impact,
        &FieldErrors::default(),
    ))
}

/// Deletes a report (admins) when the confirmation box was ticked; otherwise the confirmation
/// again with the reason beside the box (422).
async fn delete_report(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(user): RequireAdmin,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<Confirm>,
) -> AppResult<Response> {
    let r = find_report(&state, &slug).await?;
    if !input.ticked() {
        let impact = write::report_deletion_impact(&state.db, r.id).await?;
        let page = delete_report_page(&ctx, &r, &impact, &Confirm::unticked(&ctx));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    write::delete_report(&state.db, &user.actor(), r).await?;
    Ok(Redirect::to("/reports").into_response())
}

/// Open takeaways across reports.
async fn list_takeaways(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> AppResult<Markup> {
    let (rows, pager) =
        queries::open_takeaways(&state.db, ctx.can_edit(), q.number(), PER_PAGE).await?;
    Ok(takeaways_page(
        &ctx,
        &rows,
        pager,
        crate::compare::figures::today_kst(),
    ))
}

/// Marks a takeaway done or open; back to where the button was.
async fn toggle_takeaway(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    headers: HeaderMap,
    IdPath(id): IdPath,
) -> AppResult<Redirect> {
    let t = write::toggle_takeaway(&state.db, &user.actor(), id).await?;
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("/takeaways").map(|_| "/takeaways".to_string()));
    match back {
        Some(to) => Ok(Redirect::to(&to)),
        None => {
            let r = report::Entity::find_by_id(t.report_id)
                .one(&state.db)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(Redirect::to(&report_path(&r.slug)))
        }
    }
}

fn today_kst() -> chrono::NaiveDateTime {
    crate::compare::figures::today_kst()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
}

/// Planned visits from today on.
async fn list_upcoming(State(state): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let rows = queries::upcoming(&state.db, today_kst()).await?;
    Ok(upcoming_page(&ctx, &rows))
}

/// The iCalendar feed of planned visits (the last 90 days too, so calendars keep them).
async fn visits_calendar(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let rows = queries::upcoming(&state.db, today_kst() - chrono::Duration::days(90)).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if crate::auth::cookies::request_is_https(&headers) {
        "https"
    } else {
        "http"
    };
    let body = ics::calendar(&rows, &format!("{scheme}://{host}"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"tambang-visits.ics\"",
            ),
        ],
        body,
    )
        .into_response())
}
