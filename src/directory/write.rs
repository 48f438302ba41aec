//! Writing the directory: create, update (with optimistic concurrency), archive and delete
//! entries, and add or remove aliases and links. Every write goes through the audit trail and
//! multi-row writes run in one transaction.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};

use crate::audit::{self, Actor};
use crate::directory::duplicates::{DuplicateWarning, find_duplicates};
use crate::directory::input::{DraftDetails, EntryDraft};
use crate::domain::{AliasType, EntryStatus, LinkType, Slug, name_key};
use crate::entities::{
    alias, center_detail, district_detail, enterprise_detail, entry, link, outlet_detail,
    program_detail,
};
use crate::error::{AppError, AppResult};
use crate::web::form::FieldErrors;

/// What saving an entry came to.
#[derive(Debug)]
pub enum SaveOutcome {
    Saved(Box<entry::Model>),
    /// Field errors (unknown references, a taken slug, …).
    Invalid(FieldErrors),
    /// Likely duplicates; saving again with confirmation goes ahead.
    Duplicates(Vec<DuplicateWarning>),
    /// Someone saved a newer version meanwhile; this is theirs. Nothing was written.
    Conflict(Box<entry::Model>),
}

/// Ids the draft's references resolve to.
#[derive(Debug, Default, Clone, Copy)]
struct Refs {
    district: Option<i64>,
    operator: Option<i64>,
    sponsor: Option<i64>,
}

/// Finds one entry by slug, exact name or exact alias. Ambiguity and absence are messages for
/// the field.
pub async fn resolve_entry(
    db: &impl ConnectionTrait,
    text: &str,
) -> AppResult<Result<entry::Model, String>> {
    let text = crate::domain::text::clean_line(text);
    if let Some(e) = entry::Entity::find()
        .filter(entry::Column::Slug.eq(text.as_str()))
        .one(db)
        .await?
    {
        return Ok(Ok(e));
    }
    let mut found = entry::Entity::find()
        .filter(entry::Column::Name.eq(text.as_str()))
        .limit(6)
        .all(db)
        .await?;
    if found.is_empty() {
        let ids: Vec<i64> = alias::Entity::find()
            .filter(alias::Column::Name.eq(text.as_str()))
            .limit(6)
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.entry_id)
            .collect();
        if !ids.is_empty() {
            found = entry::Entity::find()
                .filter(entry::Column::Id.is_in(ids))
                .all(db)
                .await?;
        }
    }
    Ok(match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(format!(
            "'{text}'(이)라는 항목이 없습니다. 이름이나 주소(slug)를 확인해 주세요."
        )),
        _ => Err(format!(
            "'{text}'(이)라는 항목이 여럿입니다. 주소(slug)로 골라 주세요: {}",
            found
                .iter()
                .map(|e| e.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    })
}

async fn resolve_refs(
    db: &impl ConnectionTrait,
    draft: &EntryDraft,
    errors: &mut FieldErrors,
) -> AppResult<Refs> {
    let mut refs = Refs::default();
    if let Some(code) = &draft.district {
        match district_detail::Entity::find()
            .filter(district_detail::Column::Code.eq(code.as_str()))
            .one(db)
            .await?
        {
            Some(d) => refs.district = Some(d.entry_id),
            None => errors.add(
                "district",
                format!("등록되지 않은 자치구 코드입니다: {code}"),
            ),
        }
    }
    let (field, reference) = match &draft.details {
        DraftDetails::Center { operator, .. } | DraftDetails::Outlet { operator, .. } => {
            ("operator", operator)
        }
        DraftDetails::Program { sponsor, .. } => ("sponsor", sponsor),
        _ => return Ok(refs),
    };
    if let Some(text) = reference {
        match resolve_entry(db, text).await? {
            Ok(e) if field == "sponsor" => refs.sponsor = Some(e.id),
            Ok(e) => refs.operator = Some(e.id),
            Err(msg) => errors.add(field, msg),
        }
    }
    Ok(refs)
}

/// A slug that no entry uses: the wanted one, or the name's with -2, -3, … appended.
async fn free_slug(db: &impl ConnectionTrait, base: &Slug) -> AppResult<String> {
    let taken = |s: String| async move {
        entry::Entity::find()
            .filter(entry::Column::Slug.eq(s))
            .one(db)
            .await
            .map(|r| r.is_some())
    };
    if !taken(base.as_str().to_string()).await? {
        return Ok(base.as_str().to_string());
    }
    for n in 2..1000 {
        let candidate = format!("{}-{n}", base.as_str().chars().take(74).collect::<String>());
        if !taken(candidate.clone()).await? {
            return Ok(candidate);
        }
    }
    Err(AppError::internal("no free slug"))
}

fn apply_common(m: &mut entry::ActiveModel, draft: &EntryDraft, refs: Refs) {
    m.name = Set(draft.name.clone());
    m.name_key = Set(name_key(&draft.name));
    m.name_en = Set(draft.name_en.clone());
    m.description = Set(draft.description.clone());
    m.address = Set(draft.address.clone());
    m.lat = Set(draft.location.map(|l| l.lat()));
    m.lng = Set(draft.location.map(|l| l.lng()));
    m.district_id = Set(refs.district);
    m.website = Set(draft.website.clone());
    m.phone = Set(draft.phone.clone());
    m.email = Set(draft.email.as_ref().map(|e| e.as_str().to_string()));
    m.status = Set(draft.status.as_str().to_string());
    m.founded_on = Set(draft.founded_on);
    m.last_verified_on = Set(draft.last_verified_on);
    m.source = Set(draft.source.clone());
    m.updated_at = Set(Utc::now());
}

/// Creates an entry (and its details) unless it looks like a duplicate and `confirmed` is off.
pub async fn create_entry(
    db: &DatabaseConnection,
    actor: &Actor,
    draft: &EntryDraft,
    confirmed: bool,
) -> AppResult<SaveOutcome> {
    let mut errors = FieldErrors::default();
    let refs = resolve_refs(db, draft, &mut errors).await?;
    if let Some(wanted) = &draft.slug
        && entry::Entity::find()
            .filter(entry::Column::Slug.eq(wanted.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        errors.add("slug", format!("이미 쓰는 주소입니다: {wanted}"));
    }
    if !errors.is_empty() {
        return Ok(SaveOutcome::Invalid(errors));
    }
    if !confirmed {
        let dups = find_duplicates(db, draft, refs.district, None).await?;
        if !dups.is_empty() {
            return Ok(SaveOutcome::Duplicates(dups));
        }
    }
    let txn = crate::db::begin_write(db).await?;
    let base = draft
        .slug
        .clone()
        .unwrap_or_else(|| Slug::from_name(&draft.name));
    let slug = free_slug(&txn, &base).await?;
    let now = Utc::now();
    let mut model = entry::ActiveModel {
        kind: Set(draft.kind.as_str().to_string()),
        slug: Set(slug),
        created_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply_common(&mut model, draft, refs);
    let row = audit::insert(&txn, actor, model).await?;
    write_details(&txn, actor, row.id, draft, refs).await?;
    txn.commit().await?;
    Ok(SaveOutcome::Saved(Box::new(row)))
}

/// Updates `current` if nobody saved a newer version than `expected_version` meanwhile.
pub async fn update_entry(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &entry::Model,
    draft: &EntryDraft,
    expected_version: i32,
    confirmed: bool,
) -> AppResult<SaveOutcome> {
    if current.version != expected_version {
        return Ok(SaveOutcome::Conflict(Box::new(current.clone())));
    }
    let mut errors = FieldErrors::default();
    let refs = resolve_refs(db, draft, &mut errors).await?;
    if let Some(wanted) = draft.slug.as_ref().filter(|s| s.as_str() != current.slug)
        && entry::Entity::find()
            .filter(entry::Column::Slug.eq(wanted.as_str()))
            .one(db)
            .await?
            .is_some()
    {
        errors.add("slug", format!("이미 쓰는 주소입니다: {wanted}"));
    }
    if refs.operator == Some(current.id) || refs.sponsor == Some(current.id) {
        errors.add(
            if refs.sponsor.is_some() {
                "sponsor"
            } else {
                "operator"
            },
            "자기 자신을 고를 수 없습니다.",
        );
    }
    if !errors.is_empty() {
        return Ok(SaveOutcome::Invalid(errors));
    }
    if !confirmed {
        let dups = find_duplicates(db, draft, refs.district, Some(current.id)).await?;
        if !dups.is_empty() {
            return Ok(SaveOutcome::Duplicates(dups));
        }
    }
    let txn = crate::db::begin_write(db).await?;
    // The guarded bump is the lock: of two editors saving version N, one wins, the other
    // finds no row and gets the conflict page.
    let bumped = entry::Entity::update_many()
        .col_expr(
            entry::Column::Version,
            Expr::col(entry::Column::Version).add(1),
        )
        .filter(entry::Column::Id.eq(current.id))
        .filter(entry::Column::Version.eq(expected_version))
        .exec(&txn)
        .await?;
    if bumped.rows_affected == 0 {
        txn.rollback().await?;
        let theirs = entry::Entity::find_by_id(current.id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(SaveOutcome::Conflict(Box::new(theirs)));
    }
    let mut model = current.clone().into_active_model();
    apply_common(&mut model, draft, refs);
    model.version = Set(expected_version + 1);
    if let Some(s) = &draft.slug {
        model.slug = Set(s.as_str().to_string());
    }
    let row = audit::update(&txn, actor, current, model).await?;
    write_details(&txn, actor, row.id, draft, refs).await?;
    txn.commit().await?;
    Ok(SaveOutcome::Saved(Box::new(row)))
}

macro_rules! upsert_detail {
    ($db:expr, $actor:expr, $module:ident, $id:expr, $fill:expr) => {{
        let existing = $module::Entity::find_by_id($id).one($db).await?;
        let mut model = match &existing {
            Some(row) => row.clone().into_active_model(),
            None => $module::ActiveModel {
                entry_id: Set($id),
                ..Default::default()
            },
        };
        #[allow(clippy::redundant_closure_call)]
        ($fill)(&mut model);
        match existing {
            Some(before) => {
                audit::update($db, $actor, &before, model).await?;
            }
            None => {
                audit::insert($db, $actor, model).await?;
            }
        }
    }};
}

async fn write_details(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    draft: &EntryDraft,
    refs: Refs,
) -> AppResult<()> {
    match &draft.details {
        DraftDetails::District {
            code,
            population,
            population_year,
            area_km2,
        } => {
            upsert_detail!(
                db,
                actor,
                district_detail,
                id,
                |m: &mut district_detail::ActiveModel| {
                    m.code = Set(code.as_str().to_string());
                    if m.city.is_not_set() {
                        m.city = Set(if code.is_seoul() {
                            "서울특별시".into()
                        } else {
                            String::new()
                        });
                    }
                    m.population = Set(*population);
                    m.population_year = Set(*population_year);
                    m.area_km2 = Set(*area_km2);
                    if m.kostat_code.is_not_set() {
                        m.kostat_code = Set(None);
                        m.boundary_geojson = Set(None);
                    }
                }
            )
        }
        DraftDetails::Center {
            operating_mode,
            head,
            opened_on,
            closed_on,
            focus_areas,
            ..
        } => {
            upsert_detail!(
                db,
                actor,
                center_detail,
                id,
                |m: &mut center_detail::ActiveModel| {
                    m.operating_mode = Set(operating_mode.map(|v| v.as_str().to_string()));
                    m.operator_id = Set(refs.operator);
                    m.head = Set(head.clone());
                    m.opened_on = Set(*opened_on);
                    m.closed_on = Set(*closed_on);
                    m.focus_areas = Set(focus_areas.clone());
                }
            )
        }
        DraftDetails::Enterprise {
            cert_type,
            cert_no,
            biz_reg_no,
            cert_date,
            cert_round,
            representative,
            service_field,
            social_purpose,
            business,
        } => upsert_detail!(
            db,
            actor,
            enterprise_detail,
            id,
            |m: &mut enterprise_detail::ActiveModel| {
                m.cert_type = Set(cert_type.as_str().to_string());
                m.cert_no = Set(cert_no.as_ref().map(|c| c.as_str().to_string()));
                m.biz_reg_no = Set(biz_reg_no.as_ref().map(|b| b.to_string()));
                m.cert_date = Set(*cert_date);
                m.cert_round = Set(*cert_round);
                m.representative = Set(representative.clone());
                m.service_field = Set(service_field.clone());
                m.social_purpose = Set(social_purpose.map(|s| s.as_str().to_string()));
                m.business = Set(business.clone());
            }
        ),
        DraftDetails::Outlet { channel, url, .. } => {
            upsert_detail!(
                db,
                actor,
                outlet_detail,
                id,
                |m: &mut outlet_detail::ActiveModel| {
                    m.channel = Set(channel.as_str().to_string());
                    m.operator_id = Set(refs.operator);
                    m.url = Set(url.clone());
                }
            )
        }
        DraftDetails::Program {
            period,
            starts_on,
            ends_on,
            ..
        } => {
            upsert_detail!(
                db,
                actor,
                program_detail,
                id,
                |m: &mut program_detail::ActiveModel| {
                    m.sponsor_id = Set(refs.sponsor);
                    m.period = Set(period.clone());
                    m.starts_on = Set(*starts_on);
                    m.ends_on = Set(*ends_on);
                }
            )
        }
        DraftDetails::None => {}
    }
    Ok(())
}

/// Marks an entry closed (what non-admins do instead of deleting).
pub async fn archive_entry(
    db: &DatabaseConnection,
    actor: &Actor,
    current: &entry::Model,
) -> AppResult<entry::Model> {
    let mut model = current.clone().into_active_model();
    model.status = Set(EntryStatus::Closed.as_str().to_string());
    model.version = Set(current.version + 1);
    model.updated_at = Set(Utc::now());
    audit::update(db, actor, current, model).await
}

/// What deleting an entry takes with it, or leaves without it: what the confirmation page
/// tells an admin before anything is deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeletionImpact {
    /// Its aliases (deleted).
    pub aliases: u64,
    /// Links from and to it (deleted).
    pub links: u64,
    /// Reports that name it as the place visited or a visitor (those roles are removed).
    pub report_roles: u64,
    /// Itinerary stops at it (kept, with its name as their text).
    pub stops: u64,
    /// Mentions of it in report text (the text stays, no longer linked).
    pub mentions: u64,
    /// Takeaways about it (kept, without the entry).
    pub takeaways: u64,
    /// Entries in it, when it is a district (they lose their district).
    pub in_district: u64,
}

/// Counts what deleting entry `id` would touch ([`DeletionImpact`]).
pub async fn deletion_impact(db: &impl ConnectionTrait, id: i64) -> AppResult<DeletionImpact> {
    use crate::entities::{mention, report_entry, report_stop, takeaway};
    use sea_orm::PaginatorTrait;
    Ok(DeletionImpact {
        aliases: alias::Entity::find()
            .filter(alias::Column::EntryId.eq(id))
            .count(db)
            .await?,
        links: link::Entity::find()
            .filter(link::Column::FromId.eq(id).or(link::Column::ToId.eq(id)))
            .count(db)
            .await?,
        report_roles: report_entry::Entity::find()
            .filter(report_entry::Column::EntryId.eq(id))
            .count(db)
            .await?,
        stops: report_stop::Entity::find()
            .filter(report_stop::Column::EntryId.eq(id))
            .count(db)
            .await?,
        mentions: mention::Entity::find()
            .filter(mention::Column::EntryId.eq(id))
            .count(db)
            .await?,
        takeaways: takeaway::Entity::find()
            .filter(takeaway::Column::EntryId.eq(id))
            .count(db)
            .await?,
        in_district: entry::Entity::find()
            .filter(entry::Column::DistrictId.eq(id))
            .count(db)
            .await?,
    })
}

/// Deletes an entry with its aliases, links and details, each deletion audited. An itinerary
/// stop at it keeps the entry's name as its text (audited), so the report still says where
/// the visit went; the database unlinks the rest (`ON DELETE` rules: report roles go,
/// mentions, takeaways and district members stay without it).
pub async fn delete_entry(
    db: &DatabaseConnection,
    actor: &Actor,
    current: entry::Model,
) -> AppResult<()> {
    use crate::entities::report_stop;
    let txn = crate::db::begin_write(db).await?;
    for stop in report_stop::Entity::find()
        .filter(report_stop::Column::EntryId.eq(current.id))
        .all(&txn)
        .await?
    {
        let mut a = stop.clone().into_active_model();
        a.entry_id = Set(None);
        if stop.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
            a.label = Set(Some(current.name.clone()));
        }
        audit::update(&txn, actor, &stop, a).await?;
    }
    for a in alias::Entity::find()
        .filter(alias::Column::EntryId.eq(current.id))
        .all(&txn)
        .await?
    {
        audit::delete(&txn, actor, a).await?;
    }
    let links = link::Entity::find()
        .filter(
            link::Column::FromId
                .eq(current.id)
                .or(link::Column::ToId.eq(current.id)),
        )
        .all(&txn)
        .await?;
    for l in links {
        audit::delete(&txn, actor, l).await?;
    }
    delete_details(&txn, actor, current.id).await?;
    audit::delete(&txn, actor, current).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes an entry's kind-specific detail rows (whichever exist), each deletion audited.
pub async fn delete_details(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<()> {
    if let Some(d) = center_detail::Entity::find_by_id(id).one(db).await? {
        audit::delete(db, actor, d).await?;
    }
    if let Some(d) = enterprise_detail::Entity::find_by_id(id).one(db).await? {
        audit::delete(db, actor, d).await?;
    }
    if let Some(d) = outlet_detail::Entity::find_by_id(id).one(db).await? {
        audit::delete(db, actor, d).await?;
    }
    if let Some(d) = program_detail::Entity::find_by_id(id).one(db).await? {
        audit::delete(db, actor, d).await?;
    }
    if let Some(d) = district_detail::Entity::find_by_id(id).one(db).await? {
        audit::delete(db, actor, d).await?;
    }
    Ok(())
}

/// Adds an alias; a blank, overlong or repeated one is a field error.
pub async fn add_alias(
    db: &impl ConnectionTrait,
    actor: &Actor,
    owner: &entry::Model,
    name: &str,
    alias_type: &str,
) -> AppResult<Result<alias::Model, FieldErrors>> {
    let mut errors = FieldErrors::default();
    let name = crate::domain::text::clean_line(name);
    if name.is_empty() || name.chars().count() > 300 {
        errors.add("alias_name", "별칭을 1~300자로 입력해 주세요.");
    } else if name == owner.name {
        errors.add("alias_name", "이름과 같은 별칭은 필요 없습니다.");
    }
    let kind = AliasType::from_label(alias_type);
    if kind.is_none() {
        errors.add("alias_type", "별칭 종류를 골라 주세요.");
    }
    let exists = alias::Entity::find()
        .filter(alias::Column::EntryId.eq(owner.id))
        .filter(alias::Column::Name.eq(name.as_str()))
        .one(db)
        .await?
        .is_some();
    if exists {
        errors.add("alias_name", "이미 있는 별칭입니다.");
    }
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let model = alias::ActiveModel {
        entry_id: Set(owner.id),
        name: Set(name),
        alias_type: Set(kind.as_str().to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let row = audit::insert(db, actor, model).await?;
    touch_entry(db, owner.id).await?;
    Ok(Ok(row))
}

/// Marks an entry changed (without a new version) so that caches keyed on `updated_at`, such as
/// the mention dictionary, pick up alias changes on every app instance.
async fn touch_entry(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    entry::Entity::update_many()
        .col_expr(entry::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(entry::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// What the link form sends.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct LinkInput {
    /// A `LinkType` stable string, Korean or English label.
    pub link_type: String,
    /// `out` (this entry → other) or `in` (other → this entry).
    pub direction: String,
    /// The other entry's slug, name or alias.
    pub other: String,
    pub since: String,
    pub source: String,
}

/// Adds a typed, dated link between `this` and another entry.
pub async fn add_link(
    db: &impl ConnectionTrait,
    actor: &Actor,
    this: &entry::Model,
    input: &LinkInput,
) -> AppResult<Result<link::Model, FieldErrors>> {
    let mut errors = FieldErrors::default();
    let link_type = LinkType::from_label(&input.link_type);
    if link_type.is_none() {
        errors.add("link_type", "연결 종류를 골라 주세요.");
    }
    let since = match input.since.trim() {
        "" => None,
        s => match crate::domain::parse_date(s) {
            Ok(d) => Some(d),
            Err(e) => {
                errors.add("since", e.to_string());
                None
            }
        },
    };
    let other = if input.other.trim().is_empty() {
        errors.add("other", "연결할 항목의 이름이나 주소를 입력해 주세요.");
        None
    } else {
        match resolve_entry(db, &input.other).await? {
            Ok(o) if o.id == this.id => {
                errors.add("other", "자기 자신과는 연결할 수 없습니다.");
                None
            }
            Ok(o) => Some(o),
            Err(msg) => {
                errors.add("other", msg);
                None
            }
        }
    };
    let (Some(link_type), Some(other)) = (link_type, other) else {
        return Ok(Err(errors));
    };
    let (from, to) = if input.direction == "in" {
        (other.id, this.id)
    } else {
        (this.id, other.id)
    };
    let exists = link::Entity::find()
        .filter(link::Column::FromId.eq(from))
        .filter(link::Column::ToId.eq(to))
        .filter(link::Column::LinkType.eq(link_type.as_str()))
        .one(db)
        .await?
        .is_some();
    if exists {
        errors.add("other", "이미 같은 연결이 있습니다.");
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let source = crate::domain::text::clean_line(&input.source);
    let model = link::ActiveModel {
        from_id: Set(from),
        to_id: Set(to),
        link_type: Set(link_type.as_str().to_string()),
        since: Set(since),
        until: Set(None),
        source: Set(Some(source).filter(|s| !s.is_empty())),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    Ok(Ok(audit::insert(db, actor, model).await?))
}

/// Removes an alias of `owner`.
pub async fn remove_alias(
    db: &impl ConnectionTrait,
    actor: &Actor,
    owner: &entry::Model,
    alias_id: i64,
) -> AppResult<()> {
    let a = alias::Entity::find_by_id(alias_id)
        .one(db)
        .await?
        .filter(|a| a.entry_id == owner.id)
        .ok_or(AppError::NotFound)?;
    audit::delete(db, actor, a).await?;
    touch_entry(db, owner.id).await
}

/// Removes a link touching `owner`.
pub async fn remove_link(
    db: &impl ConnectionTrait,
    actor: &Actor,
    owner: &entry::Model,
    link_id: i64,
) -> AppResult<()> {
    let l = link::Entity::find_by_id(link_id)
        .one(db)
        .await?
        .filter(|l| l.from_id == owner.id || l.to_id == owner.id)
        .ok_or(AppError::NotFound)?;
    audit::delete(db, actor, l).await
}

/// Fills `name_key` for rows written before the column existed (run after migrating).
pub async fn backfill_name_keys(db: &impl ConnectionTrait) -> AppResult<u64> {
    let rows: Vec<(i64, String)> = entry::Entity::find()
        .select_only()
        .columns([entry::Column::Id, entry::Column::Name])
        .filter(entry::Column::NameKey.eq(""))
        .into_tuple()
        .all(db)
        .await?;
    let mut n = 0;
    for (id, name) in rows {
        let key = name_key(&name);
        if key.is_empty() {
            continue;
        }
        entry::Entity::update_many()
            .col_expr(entry::Column::NameKey, Expr::value(key))
            .filter(entry::Column::Id.eq(id))
            .exec(db)
            .await?;
        n += 1;
    }
    Ok(n)
}
