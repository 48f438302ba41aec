//! Editing routes: create, edit, archive, delete and merge entries; add and remove aliases and
//! links. Each handler takes `RequireEditor` or `RequireAdmin`, and every route is also in
//! `auth::policy::WRITE_ROUTES`.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::Markup;
use sea_orm::{EntityTrait, QueryOrder};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::extract::{Ctx, RequireAdmin, RequireEditor, SessionUser};
use crate::directory::edit_views::{
    EditPanel, EntryForm, FormMode, delete_page, entry_form_page, merge_page,
};
use crate::directory::input::{EntryInput, input_from_entry, parse_entry};
use crate::directory::write::{self, LinkInput, SaveOutcome};
use crate::directory::{merge, queries, views};
use crate::domain::{EntryKind, Role};
use crate::entities::{
    center_detail, district_detail, enterprise_detail, entry, outlet_detail, program_detail,
};
use crate::error::{AppError, AppResult};
use crate::web::form::{Confirm, FieldErrors, HtmlForm};
use crate::web::slug_path::SlugPath;
use crate::web::url::entry_path;

/// The editing routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/entries/new", get(new_entry))
        .route("/entries", post(create_entry))
        .route("/e/{slug}/edit", get(edit_entry).post(update_entry))
        .route("/e/{slug}/archive", post(archive_entry))
        .route("/e/{slug}/delete", get(show_delete).post(delete_entry))
        .route("/e/{slug}/aliases", post(add_alias))
        .route("/e/{slug}/aliases/{id}/delete", post(remove_alias))
        .route("/e/{slug}/links", post(add_link))
        .route("/e/{slug}/links/{id}/delete", post(remove_link))
        .route("/e/{slug}/merge", get(show_merge).post(merge_entry))
}

/// (code, name) of every district, by code.
pub async fn district_choices(state: &AppState) -> AppResult<Vec<(String, String)>> {
    let details = district_detail::Entity::find()
        .order_by_asc(district_detail::Column::Code)
        .all(&state.db)
        .await?;
    let names = queries::entries_by_id(&state.db, details.iter().map(|d| d.entry_id)).await?;
    Ok(details
        .into_iter()
        .filter_map(|d| names.get(&d.entry_id).map(|e| (d.code, e.name.clone())))
        .collect())
}

async fn find_entry(state: &AppState, slug: &str) -> AppResult<entry::Model> {
    queries::find_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
struct KindQuery {
    kind: Option<String>,
    /// A name to start from: the review list's "create entry" passes a candidate's text.
    name: Option<String>,
}

/// The form for a new entry of `?kind=`, empty or with `?name=` filled in.
async fn new_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
    Query(q): Query<KindQuery>,
) -> AppResult<Markup> {
    let kind = q
        .kind
        .as_deref()
        .and_then(EntryKind::from_label)
        .unwrap_or(EntryKind::Enterprise);
    let input = EntryInput {
        kind: kind.as_str().into(),
        status: "active".into(),
        // Only a start: the name is checked like any typed one when the form is saved.
        name: q
            .name
            .as_deref()
            .map(|n| {
                let n = crate::domain::text::clean_line(n);
                n.chars().take(crate::directory::input::MAX_LINE).collect()
            })
            .unwrap_or_default(),
        ..Default::default()
    };
    let districts = district_choices(&state).await?;
    let form = EntryForm {
        kind,
        input: &input,
        errors: &FieldErrors::default(),
        mode: FormMode::New,
        districts: &districts,
        warnings: &[],
        theirs: None,
    };
    Ok(entry_form_page(&ctx, &form))
}

async fn render_outcome(
    state: &AppState,
    ctx: &Ctx,
    kind: EntryKind,
    input: &EntryInput,
    mode: FormMode<'_>,
    outcome: Result<SaveOutcome, FieldErrors>,
) -> AppResult<Response> {
    let districts = district_choices(state).await?;
    let no_errors = FieldErrors::default();
    let (errors, warnings, theirs) = match &outcome {
        Ok(SaveOutcome::Saved(e)) => {
            return Ok(Redirect::to(&entry_path(&e.slug)).into_response());
        }
        Err(errors) | Ok(SaveOutcome::Invalid(errors)) => (errors, Vec::new(), None),
        Ok(SaveOutcome::Duplicates(w)) => (&no_errors, w.clone(), None),
        Ok(SaveOutcome::Conflict(current)) => (
            &no_errors,
            Vec::new(),
            Some(stored_input(state, current).await?),
        ),
    };
    let status = if theirs.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = EntryForm {
        kind,
        input,
        errors,
        mode,
        districts: &districts,
        warnings: &warnings,
        theirs: theirs.as_ref(),
    };
    Ok((status, entry_form_page(ctx, &form)).into_response())
}

/// Creates an entry from the form.
async fn create_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    HtmlForm(input): HtmlForm<EntryInput>,
) -> AppResult<Response> {
    let kind = EntryKind::from_label(&input.kind)
        .ok_or_else(|| AppError::BadRequest("알 수 없는 종류입니다.".into()))?;
    let outcome = match parse_entry(kind, &input) {
        Ok(draft) => Ok(write::create_entry(
            &state.db,
            &user.actor(),
            &draft,
            !input.confirm_duplicates.is_empty(),
        )
        .await?),
        Err(errors) => Err(errors),
    };
    render_outcome(&state, &ctx, kind, &input, FormMode::New, outcome).await
}

/// The stored entry as form input, details included.
pub async fn stored_input(state: &AppState, e: &entry::Model) -> AppResult<EntryInput> {
    let db = &state.db;
    let code = match e.district_id {
        Some(d) => district_detail::Entity::find_by_id(d)
            .one(db)
            .await?
            .map(|d| d.code),
        None => None,
    };
    let mut input = input_from_entry(e, code);
    let slug_of = |id: Option<i64>| async move {
        match id {
            Some(id) => entry::Entity::find_by_id(id)
                .one(db)
                .await
                .map(|o| o.map(|o| o.slug).unwrap_or_default()),
            None => Ok(String::new()),
        }
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let text = |s: Option<String>| s.unwrap_or_default();
    if let Some(d) = district_detail::Entity::find_by_id(e.id).one(db).await? {
        input.code = d.code;
        input.population = d.population.map(|v| v.to_string()).unwrap_or_default();
        input.population_year = d.population_year.map(|v| v.to_string()).unwrap_or_default();
        input.area_km2 = d.area_km2.map(|v| v.to_string()).unwrap_or_default();
    }
    if let Some(d) = center_detail::Entity::find_by_id(e.id).one(db).await? {
        input.operating_mode = text(d.operating_mode);
        input.operator = slug_of(d.operator_id).await?;
        input.head = text(d.head);
        input.opened_on = date(d.opened_on);
        input.closed_on = date(d.closed_on);
        input.focus_areas = text(d.focus_areas);
    }
    if let Some(d) = enterprise_detail::Entity::find_by_id(e.id).one(db).await? {
        input.cert_type = d.cert_type;
        input.cert_no = text(d.cert_no);
        input.biz_reg_no = text(d.biz_reg_no);
        input.cert_date = date(d.cert_date);
        input.cert_round = d.cert_round.map(|v| v.to_string()).unwrap_or_default();
        input.representative = text(d.representative);
        input.service_field = text(d.service_field);
        input.social_purpose = text(d.social_purpose);
        input.business = text(d.business);
    }
    if let Some(d) = outlet_detail::Entity::find_by_id(e.id).one(db).await? {
        input.channel = d.channel;
        input.operator = slug_of(d.operator_id).await?;
        input.url = text(d.url);
    }
    if let Some(d) = program_detail::Entity::find_by_id(e.id).one(db).await? {
        input.sponsor = slug_of(d.sponsor_id).await?;
        input.period = text(d.period);
        input.starts_on = date(d.starts_on);
        input.ends_on = date(d.ends_on);
    }
    Ok(input)
}

/// The edit form, filled with the stored values.
async fn edit_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(_): RequireEditor,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let e = find_entry(&state, &slug).await?;
    let kind = EntryKind::from_label(&e.kind).unwrap_or(EntryKind::Place);
    let input = stored_input(&state, &e).await?;
    let districts = district_choices(&state).await?;
    let form = EntryForm {
        kind,
        input: &input,
        errors: &FieldErrors::default(),
        mode: FormMode::Edit(&e),
        districts: &districts,
        warnings: &[],
        theirs: None,
    };
    Ok(entry_form_page(&ctx, &form))
}

/// Saves an edit (refused with a diff when someone saved a newer version meanwhile).
async fn update_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<EntryInput>,
) -> AppResult<Response> {
    let e = find_entry(&state, &slug).await?;
    let kind = EntryKind::from_label(&e.kind).unwrap_or(EntryKind::Place);
    let expected: i32 = input.version.trim().parse().unwrap_or(e.version);
    let outcome = match parse_entry(kind, &input) {
        Ok(draft) => Ok(write::update_entry(
            &state.db,
            &user.actor(),
            &e,
            &draft,
            expected,
            !input.confirm_duplicates.is_empty(),
        )
        .await?),
        Err(errors) => Err(errors),
    };
    render_outcome(&state, &ctx, kind, &input, FormMode::Edit(&e), outcome).await
}

/// Marks an entry closed.
async fn archive_entry(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    SlugPath(slug): SlugPath,
) -> AppResult<Redirect> {
    let e = find_entry(&state, &slug).await?;
    write::archive_entry(&state.db, &user.actor(), &e).await?;
    Ok(Redirect::to(&entry_path(&e.slug)))
}

/// The delete confirmation (admins): what the deletion would take with it.
async fn show_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(_): RequireAdmin,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let e = find_entry(&state, &slug).await?;
    let impact = write::deletion_impact(&state.db, e.id).await?;
    Ok(delete_page(&ctx, &e, &impact, &FieldErrors::default()))
}

/// Deletes an entry (admins), when the confirmation box was ticked; otherwise the
/// confirmation again, with the reason beside the box (422).
async fn delete_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(user): RequireAdmin,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<Confirm>,
) -> AppResult<Response> {
    let e = find_entry(&state, &slug).await?;
    if !input.ticked() {
        let impact = write::deletion_impact(&state.db, e.id).await?;
        let page = delete_page(&ctx, &e, &impact, &Confirm::unticked(&ctx));
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let list =
        EntryKind::from_label(&e.kind).map_or("/".to_string(), |k| format!("/{}", k.plural()));
    write::delete_entry(&state.db, &user.actor(), e).await?;
    Ok(Redirect::to(&list).into_response())
}

/// The entry page again, with the edit panel's errors and typed values (status 422).
async fn entry_with_panel(
    state: &AppState,
    ctx: &Ctx,
    user: &SessionUser,
    slug: &str,
    panel: EditPanel,
) -> AppResult<Response> {
    let page = queries::entry_page(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let markup = views::entry_page_with_panel(ctx, &page, Some((&panel, user.role == Role::Admin)));
    Ok((StatusCode::UNPROCESSABLE_ENTITY, markup).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AliasInput {
    alias_name: String,
    alias_type: String,
}

/// Adds an alias.
async fn add_alias(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<AliasInput>,
) -> AppResult<Response> {
    let e = find_entry(&state, &slug).await?;
    match write::add_alias(
        &state.db,
        &user.actor(),
        &e,
        &input.alias_name,
        &input.alias_type,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to(&entry_path(&e.slug)).into_response()),
        Err(errors) => {
            let panel = EditPanel {
                alias_name: input.alias_name,
                alias_type: input.alias_type,
                alias_errors: errors,
                ..Default::default()
            };
            entry_with_panel(&state, &ctx, &user, &e.slug, panel).await
        }
    }
}

/// Removes an alias.
async fn remove_alias(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Redirect> {
    let e = find_entry(&state, &crate::domain::text::nfc(&slug)).await?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    write::remove_alias(&state.db, &user.actor(), &e, id).await?;
    Ok(Redirect::to(&entry_path(&e.slug)))
}

/// Adds a link.
async fn add_link(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireEditor(user): RequireEditor,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<LinkInput>,
) -> AppResult<Response> {
    let e = find_entry(&state, &slug).await?;
    match write::add_link(&state.db, &user.actor(), &e, &input).await? {
        Ok(_) => Ok(Redirect::to(&entry_path(&e.slug)).into_response()),
        Err(errors) => {
            let panel = EditPanel {
                link: input,
                link_errors: errors,
                ..Default::default()
            };
            entry_with_panel(&state, &ctx, &user, &e.slug, panel).await
        }
    }
}

/// Removes a link.
async fn remove_link(
    State(state): State<AppState>,
    RequireEditor(user): RequireEditor,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Redirect> {
    let e = find_entry(&state, &crate::domain::text::nfc(&slug)).await?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    write::remove_link(&state.db, &user.actor(), &e, id).await?;
    Ok(Redirect::to(&entry_path(&e.slug)))
}

/// The merge form (admins).
async fn show_merge(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(_): RequireAdmin,
    SlugPath(slug): SlugPath,
) -> AppResult<Markup> {
    let e = find_entry(&state, &slug).await?;
    Ok(merge_page(&ctx, &e, "", &FieldErrors::default()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MergeInput {
    other: String,
}

/// Merges another entry into this one (admins).
async fn merge_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    RequireAdmin(user): RequireAdmin,
    SlugPath(slug): SlugPath,
    HtmlForm(input): HtmlForm<MergeInput>,
) -> AppResult<Response> {
    let survivor = find_entry(&state, &slug).await?;
    let mut errors = FieldErrors::default();
    match write::resolve_entry(&state.db, &input.other).await? {
        Ok(other) => match merge::merge_entries(&state.db, &user.actor(), &survivor, other).await {
            Ok(()) => return Ok(Redirect::to(&entry_path(&survivor.slug)).into_response()),
            Err(AppError::BadRequest(msg)) => errors.add("other", msg),
            Err(e) => return Err(e),
        },
        Err(msg) => errors.add("other", msg),
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        merge_page(&ctx, &survivor, &input.other, &errors),
    )
        .into_response())
}
