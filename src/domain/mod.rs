//! Pure domain values shared by every feature: text cleaning, the string-backed kinds stored
//! in the database, and newtypes that can only hold valid data (parse, don't validate).
//!
//! Nothing here touches the web framework, the ORM or the file system, so the types can be
//! used from handlers, the CLI, imports and tests alike. Error messages are Korean sentences
//! meant to be shown next to form fields.

pub mod biz_reg_no;
pub mod cert_no;
pub mod date;
pub mod district_code;
pub mod email;
pub mod kinds;
pub mod latlng;
pub mod slug;
pub mod text;

pub use biz_reg_no::{BizRegNo, BizRegNoError};
pub use cert_no::{CertNo, CertNoError};
pub use date::{DateError, parse_date};
pub use district_code::{DistrictCode, DistrictCodeError};
pub use email::{Email, EmailError};
pub use kinds::{
    AliasType, AuditAction, CenterMode, CertType, EntryKind, EntryStatus, LinkType, MentionMethod,
    MentionState, OutletChannel, ReportState, Role, SocialPurpose, UnknownValue,
};
pub use latlng::{LatLng, LatLngError};
pub use slug::{Slug, SlugError, name_key};
