//! The JSON body of creating and replacing a report, turned into the report form's input so
//! that the API and the web form share one validation (`reports::input::parse_report`) and
//! cannot disagree. Entry references (hosts, visitors, stops, takeaways) may be ids, slugs,
//! names or aliases; they are resolved to slugs first, so a name holding a comma stays whole.

use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::write::resolve_entry;
use crate::entities::entry;
use crate::error::AppResult;
use crate::reports::input::ReportInput;
use crate::web::form::FieldErrors;

/// An entry named by its id or by a slug, name or alias.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EntryKey {
    Id(i64),
    Text(String),
}

/// One itinerary stop: an `entry` (which must exist) or free `text`.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct StopBody {
    pub entry: Option<EntryKey>,
    /// A place that is not in the directory.
    pub text: String,
    /// `HH:MM`.
    pub time: String,
    pub note: String,
}

/// A named participant: `"홍길동"`, `"홍길동 (용산사경센터)"` or `{"name", "affiliation"}`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ParticipantBody {
    Line(String),
    Named {
        name: String,
        #[serde(default)]
        affiliation: String,
    },
}

/// A takeaway; `done` is not written here (it is toggled on the report page).
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct TakeawayBody {
    pub lesson: String,
    pub entry: Option<EntryKey>,
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

/// A described photo (uploaded images are not touched by the API).
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct PhotoBody {
    pub caption: String,
    pub credit: String,
}

/// A report as sent to `POST /reports` and `PUT /reports/{slug}`. Absent fields are empty;
/// `PUT` replaces everything, so send back what you read.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ReportBody {
    pub title: String,
    /// Optional; made from the title when empty.
    pub slug: String,
    pub author: String,
    /// `YYYY-MM-DD`.
    pub published_on: String,
    /// `YYYY-MM-DD`.
    pub visit_date: String,
    /// `HH:MM`.
    pub visit_time: String,
    /// `planned`, `draft` (default) or `published`.
    pub state: String,
    pub hosts: Vec<EntryKey>,
    pub visitors: Vec<EntryKey>,
    /// A number (or "7명").
    #[schema(value_type = Option<String>)]
    pub participant_count: Option<serde_json::Value>,
    pub participants: Vec<ParticipantBody>,
    pub stops: Vec<StopBody>,
    pub body: String,
    pub source_url: String,
    pub tags: Vec<String>,
    pub takeaways: Vec<TakeawayBody>,
    pub photos: Vec<PhotoBody>,
    /// `PUT` only: the `version` read.
    pub version: Option<i64>,
}

/// One line of a line-per-item field: line breaks become spaces.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

/// Text that goes before a `|` in the form's line syntax must not hold one.
fn no_bar(field: &'static str, n: usize, s: &str, errors: &mut FieldErrors) {
    if s.contains('|') {
        errors.add(
            field,
            format!("{n}번째 항목: ‘|’ 문자는 쓸 수 없습니다 (no ‘|’ here)."),
        );
    }
}

/// The slug of the entry `key` names, or a message for `field`.
async fn slug_of(
    db: &impl ConnectionTrait,
    key: &EntryKey,
    field: &'static str,
    errors: &mut FieldErrors,
) -> AppResult<Option<String>> {
    let found = match key {
        EntryKey::Id(id) => entry::Entity::find_by_id(*id)
            .one(db)
            .await?
            .ok_or_else(|| format!("항목 #{id}을(를) 찾을 수 없습니다 (no entry {id}).")),
        EntryKey::Text(t) => resolve_entry(db, t).await?,
    };
    Ok(match found {
        Ok(e) => Some(e.slug),
        Err(msg) => {
            errors.add(field, msg);
            None
        }
    })
}

async fn slugs(
    db: &impl ConnectionTrait,
    keys: &[EntryKey],
    field: &'static str,
    errors: &mut FieldErrors,
) -> AppResult<String> {
    let mut out = Vec::new();
    for k in keys {
        if let Some(s) = slug_of(db, k, field, errors).await? {
            out.push(s);
        }
    }
    Ok(out.join("\n"))
}

/// The body as the report form's input, with the reference errors found on the way (the
/// caller merges them with `parse_report`'s).
pub async fn to_form_input(
    db: &impl ConnectionTrait,
    b: &ReportBody,
) -> AppResult<(ReportInput, FieldErrors)> {
    let mut errors = FieldErrors::default();
    let hosts = slugs(db, &b.hosts, "hosts", &mut errors).await?;
    let visitors = slugs(db, &b.visitors, "visitors", &mut errors).await?;
    let mut stops = Vec::new();
    for (i, s) in b.stops.iter().enumerate() {
        let target = match &s.entry {
            Some(k) => slug_of(db, k, "stops", &mut errors)
                .await?
                .unwrap_or_default(),
            None => one_line(&s.text),
        };
        if s.entry.is_none() && target.is_empty() {
            errors.add(
                "stops",
                format!("{}번째 항목: entry나 text로 방문한 곳을 적어 주세요 (a stop needs an entry or text).", i + 1),
            );
        }
        no_bar("stops", i + 1, &target, &mut errors);
        let note = one_line(&s.note);
        let mut line = format!("{} {target}", one_line(&s.time));
        if !note.is_empty() {
            line = format!("{line} | {note}");
        }
        stops.push(line.trim().to_string());
    }
    let mut takeaways = Vec::new();
    for (i, t) in b.takeaways.iter().enumerate() {
        let entry = match &t.entry {
            Some(k) => slug_of(db, k, "takeaways", &mut errors)
                .await?
                .unwrap_or_default(),
            None => String::new(),
        };
        let parts = [
            one_line(&t.lesson),
            entry,
            one_line(&t.owner),
            one_line(&t.due_on),
        ];
        for p in [&parts[0], &parts[2], &parts[3]] {
            no_bar("takeaways", i + 1, p, &mut errors);
        }
        // An empty lesson stays an empty line's worth of text, so parse_report reports it.
        takeaways.push(parts.join(" | ").trim_end_matches([' ', '|']).to_string());
    }
    let participants: Vec<String> = b
        .participants
        .iter()
        .map(|p| match p {
            ParticipantBody::Line(l) => one_line(l),
            ParticipantBody::Named { name, affiliation } if affiliation.trim().is_empty() => {
                one_line(name)
            }
            ParticipantBody::Named { name, affiliation } => {
                format!("{} ({})", one_line(name), one_line(affiliation))
            }
        })
        .collect();
    let mut photos = Vec::new();
    for (i, p) in b.photos.iter().enumerate() {
        no_bar("photos", i + 1, &p.caption, &mut errors);
        photos.push(match one_line(&p.credit) {
            c if c.is_empty() => one_line(&p.caption),
            c => format!("{} | {c}", one_line(&p.caption)),
        });
    }
    let participant_count = match &b.participant_count {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let input = ReportInput {
        title: b.title.clone(),
        slug: b.slug.clone(),
        author: b.author.clone(),
        published_on: b.published_on.clone(),
        visit_date: b.visit_date.clone(),
        visit_time: b.visit_time.clone(),
        state: b.state.clone(),
        hosts,
        visitors,
        participant_count,
        participants: participants.join("\n"),
        body: b.body.clone(),
        source_url: b.source_url.clone(),
        tags: b
            .tags
            .iter()
            .map(|t| one_line(&t.replace(',', " ")))
            .collect::<Vec<_>>()
            .join(", "),
        stops: stops.join("\n"),
        takeaways: takeaways.join("\n"),
        photos: photos.join("\n"),
        version: b.version.map(|v| v.to_string()).unwrap_or_default(),
    };
    Ok((input, errors))
}
