//! sea-orm models, one per table. Columns that hold enumerations are plain strings here; the
//! feature modules turn them into `crate::domain` types at the edges.

pub mod alias;
pub mod api_token;
pub mod audit_log;
pub mod center_detail;
pub mod district_detail;
pub mod enterprise_detail;
pub mod entry;
pub mod import;
pub mod import_entry;
pub mod import_row_error;
pub mod link;
pub mod login_attempt;
pub mod mention;
pub mod outlet_detail;
pub mod program_detail;
pub mod report;
pub mod report_entry;
pub mod report_participant;
pub mod report_photo;
pub mod report_stop;
pub mod session;
pub mod takeaway;
pub mod user;
