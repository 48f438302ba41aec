//! Writing reports: create, update (optimistic concurrency like entries), delete, and mark
//! takeaways done. A report and its rows (hosts, visitors, stops, participants, takeaways)
//! are written in one audited transaction.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};

use crate::audit::{self, Actor};
use crate::directory::write::resolve_entry;
use crate::domain::Slug;
use crate::entities::{report, report_entry, report_participant, report_stop, takeaway};
use crate::error::{AppError, AppResult};
use crate::reports::input::ReportDraft;
use crate::web::form::FieldErrors;

/// What saving a report came to.
#[derive(Debug)]
pub enum ReportOutcome {
    Saved(Box<report::Model>),
    Invalid(FieldErrors),
    /// Someone saved a newer version; nothing was written.
    Conflict(Box<report::Model>),
}

/// The draft's references resolved to entry ids (a stop that names nothing known stays text).
struct Resolved {
    hosts: Vec<i64>,
    visitors: Vec<i64>,
    stops: Vec<Option<i64>>,
    takeaways: Vec<Option<i64>>,
}

async fn resolve(
    db: &impl ConnectionTrait,
    d: &ReportDraft,
    errors: &mut FieldErrors,
) -> AppResult<Resolved> {
    let mut out = Resolved {
        hosts: Vec::new(),
        visitors: Vec::new(),
        stops: Vec::new(),
        takeaways: Vec::new(),
    };
    for (field, names, ids) in [
        ("hosts", &d.hosts, &mut out.hosts),
        ("visitors", &d.visitors, &mut out.visitors),
    ] {
        for name in names {
            match resolve_entry(db, name).await? {
                Ok(e) if !ids.contains(&e.id) => ids.push(e.id),
                Ok(_) => {}
                Err(msg) => errors.add(field, msg),
            }
        }
    }
    for s in &d.stops {
        out.stops
            .push(resolve_entry(db, &s.target).await?.ok().map(|e| e.id));
    }
    for t in &d.takeaways {
        let id = match &t.entry {
            Some(name) => match resolve_entry(db, name).await? {
                Ok(e) => Some(e.id),
                Err(msg) => {
                    errors.add("takeaways", msg);
                    None
                }
            },
            None => None,
        };
        out.takeaways.push(id);
    }
    Ok(out)
}

async fn free_slug(
    db: &impl ConnectionTrait,
    base: &Slug,
    except: Option<i64>,
) -> AppResult<String> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.as_str().to_string()
        } else {
            format!("{}-{n}", base.as_str().chars().take(74).collect::<String>())
        };
        let taken = report::Entity::find()
            .filter(report::Column::Slug.eq(candidate.as_str()))
            .one(db)
            .await?;
        if taken.is_none_or(|r| Some(r.id) == except) {
            return Ok(candidate);
        }
    }
    Err(AppError::internal("no free report slug"))
}

fn apply(m: &mut report::ActiveModel, d: &ReportDraft) {
    m.title = Set(d.title.clone());
    m.author = Set(d.author.clone());
    m.published_on = Set(d.published_on);
    m.visited_at = Set(d.visited_at);
    m.state = Set(d.state.as_str().to_string());
    m.participant_count = Set(d.participant_count);
    m.body = Set(d.body.clone());
    m.source_url = Set(d.source_url.clone());
    m.tags = Set(Some(serde_json::json!(d.tags)));
    m.updated_at = Set(Utc::now());
}

/// Replaces the report's rows with the draft's, keeping takeaways' done state by lesson text.
async fn write_rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report_id: i64,
    d: &ReportDraft,
    r: &Resolved,
) -> AppResult<()> {
    for row in report_entry::Entity::find()
        .filter(report_entry::Column::ReportId.eq(report_id))
        .all(db)
        .await?
    {
        audit::delete(db, actor, row).await?;
    }
    for row in report_stop::Entity::find()
        .filter(report_stop::Column::ReportId.eq(report_id))
        .all(db)
        .await?
    {
        audit::delete(db, actor, row).await?;
    }
    for row in report_participant::Entity::find()
        .filter(report_participant::Column::ReportId.eq(report_id))
        .all(db)
        .await?
    {
        audit::delete(db, actor, row).await?;
    }
    let old_takeaways = takeaway::Entity::find()
        .filter(takeaway::Column::ReportId.eq(report_id))
        .all(db)
        .await?;
    let done: Vec<(String, Option<chrono::DateTime<Utc>>)> = old_takeaways
        .iter()
        .filter(|t| t.done)
        .map(|t| (t.lesson.clone(), t.done_at))
        .collect();
    for row in old_takeaways {
        audit::delete(db, actor, row).await?;
    }
    // Described photos follow the form's lines; uploaded images are managed on their own page.
    crate::reports::photo_write::reconcile_described(db, actor, report_id, &d.photos).await?;
    for (role, ids) in [("host", &r.hosts), ("visitor", &r.visitors)] {
        for id in ids {
            let m = report_entry::ActiveModel {
                report_id: Set(report_id),
                entry_id: Set(*id),
                role: Set(role.into()),
            };
            audit::insert(db, actor, m).await?;
        }
    }
    for (pos, (s, entry_id)) in d.stops.iter().zip(&r.stops).enumerate() {
        let m = report_stop::ActiveModel {
            report_id: Set(report_id),
            position: Set(pos as i32),
            entry_id: Set(*entry_id),
            label: Set(Some(s.target.clone())),
            at_time: Set(s.time),
            note: Set(s.note.clone()),
            ..Default::default()
        };
        audit::insert(db, actor, m).await?;
    }
    for (pos, p) in d.participants.iter().enumerate() {
        let m = report_participant::ActiveModel {
            report_id: Set(report_id),
            position: Set(pos as i32),
            name: Set(p.name.clone()),
            affiliation: Set(p.affiliation.clone()),
            entry_id: Set(None),
            ..Default::default()
        };
        audit::insert(db, actor, m).await?;
    }
    for (pos, (t, entry_id)) in d.takeaways.iter().zip(&r.takeaways).enumerate() {
        let was_done = done.iter().find(|(lesson, _)| *lesson == t.lesson);
        let m = takeaway::ActiveModel {
            report_id: Set(report_id),
            position: Set(pos as i32),
            lesson: Set(t.lesson.clone()),
            entry_id: Set(*entry_id),
            owner: Set(t.owner.clone()),
            due_on: Set(t.due_on),
            done: Set(was_done.is_some()),
            done_at: Set(was_done.and_then(|(_, at)| *at)),
            ..Default::default()
        };
        audit::insert(db, actor, m).await?;
    }
    Ok(())
}

/// Creates a report with its rows.
pub async fn create_report(
    db: &DatabaseConnection,
    actor: &Actor,
    d: &ReportDraft,
) -> AppResult<ReportOutcome> {
    let mut errors = FieldErrors::default();
    let resolved = resolve(db, d, &mut errors).await?;
    if let Some(s) = &d.slug
        && report::Entity::find()
            .filter(report::Column::Slug.eq(s.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        errors.add("slug", format!("이미 쓰는 주소입니다: {s}"));
    }
    if !errors.is_empty() {
        return Ok(ReportOutcome::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let base = d.slug.clone().unwrap_or_else(|| Slug::from_name(&d.title));
    let now = Utc::now();
    let mut m = report::ActiveModel {
        slug: Set(free_slug(&txn, &base, None).await?),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&mut m, d);
    let row = audit::insert(&txn, actor, m).await?;
    write_rows(&txn, actor, row.id, d, &resolved).await?;
    txn.commit().await?;
    Ok(ReportOutcome::Saved(Box::new(row)))
}

/// Updates a report unless someone saved a newer version than `expected_version`.
pub async fn update_report(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &report::Model,
    d: &ReportDraft,
    expected_version: i32,
) -> AppResult<ReportOutcome> {
    if current.version != expected_version {
        return Ok(ReportOutcome::Conflict(Box::new(current.clone())));
    }
    let mut errors = FieldErrors::default();
    let resolved = resolve(db, d, &mut errors).await?;
    if let Some(s) = d.slug.as_ref().filter(|s| s.as_str() != current.slug)
        && report::Entity::find()
            .filter(report::Column::Slug.eq(s.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        errors.add("slug", format!("이미 쓰는 주소입니다: {s}"));
    }
    if !errors.is_empty() {
        return Ok(ReportOutcome::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let bumped = report::Entity::update_many()
        .col_expr(
            report::Column::Version,
            Expr::col(report::Column::Version).add(1),
        )
        .filter(report::Column::Id.eq(current.id))
        .filter(report::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if bumped.rows_affected == 0 {
        txn.rollback().await?;
        let theirs = report::Entity::find_by_id(current.id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(ReportOutcome::Conflict(Box::new(theirs)));
    }
    let mut m = current.clone().into_active_model();
    apply(&mut m, d);
    m.version = Set(expected_version + 1);
    if let Some(s) = &d.slug {
        m.slug = Set(s.as_str().to_string());
    }
    let row = audit::update(&txn, actor, current, m).await?;
    write_rows(&txn, actor, row.id, d, &resolved).await?;
    txn.commit().await?;
    Ok(ReportOutcome::Saved(Box::new(row)))
}

/// What deleting a report takes with it: what the confirmation page tells an admin.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportDeletionImpact {
    pub stops: u64,
    pub takeaways: u64,
    pub participants: u64,
    /// Photos with an uploaded file (the history keeps no bytes).
    pub photo_files: u64,
    /// Captions without a file.
    pub photo_captions: u64,
    /// Mentions of entries in its text (the entries' pages stop listing it).
    pub mentions: u64,
}

/// Counts what deleting report `id` would take with it ([`ReportDeletionImpact`]).
pub async fn report_deletion_impact(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<ReportDeletionImpact> {
    use crate::entities::{mention, report_photo};
    use sea_orm::PaginatorTrait;
    let photos = |with_file: bool| {
        let q = report_photo::Entity::find().filter(report_photo::Column::ReportId.eq(id));
        if with_file {
            q.filter(report_photo::Column::ByteSize.is_not_null())
        } else {
            q.filter(report_photo::Column::ByteSize.is_null())
        }
    };
    Ok(ReportDeletionImpact {
        stops: report_stop::Entity::find()
            .filter(report_stop::Column::ReportId.eq(id))
            .count(db)
            .await?,
        takeaways: takeaway::Entity::find()
            .filter(takeaway::Column::ReportId.eq(id))
            .count(db)
            .await?,
        participants: report_participant::Entity::find()
            .filter(report_participant::Column::ReportId.eq(id))
            .count(db)
            .await?,
        photo_files: photos(true).count(db).await?,
        photo_captions: photos(false).count(db).await?,
        mentions: mention::Entity::find()
            .filter(mention::Column::ReportId.eq(id))
            .filter(mention::Column::EntryId.is_not_null())
            .count(db)
            .await?,
    })
}

/// Deletes a report and its rows (admins).
pub async fn delete_report(
    db: &DatabaseConnection,
    actor: &Actor,
    current: report::Model,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let empty = ReportDraft {
        title: String::new(),
        slug: None,
        author: None,
        published_on: None,
        visited_at: None,
        state: crate::domain::ReportState::Draft,
        hosts: vec![],
        visitors: vec![],
        participant_count: None,
        participants: vec![],
        body: String::new(),
        source_url: None,
        tags: vec![],
        stops: vec![],
        takeaways: vec![],
        photos: vec![],
    };
    let none = Resolved {
        hosts: vec![],
        visitors: vec![],
        stops: vec![],
        takeaways: vec![],
    };
    crate::reports::photo_write::delete_all(&txn, actor, current.id).await?;
    write_rows(&txn, actor, current.id, &empty, &none).await?;
    audit::delete(&txn, actor, current).await?;
    txn.commit().await?;
    Ok(())
}

/// Flips a takeaway between open and done.
pub async fn toggle_takeaway(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<takeaway::Model> {
    let t = takeaway::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut m = t.clone().into_active_model();
    m.done = Set(!t.done);
    m.done_at = Set(if t.done { None } else { Some(Utc::now()) });
    audit::update(db, actor, &t, m).await
}
