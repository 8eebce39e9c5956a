//! The gyokaku plan folder format (docs/plan-format.md): read with every
//! problem located, write in the canonical form that reads back the same;
//! and the department workbook (実績報告の Excel, [`workbook`]).
#![forbid(unsafe_code)]

mod error;
pub mod plan_book;
mod read;
mod tables;
mod validate;
mod validate_printed;
pub mod workbook;
mod write;

pub use error::{ExportError, ImportError, ImportErrors, Location};
pub use read::{check_document, read_plan_dir};
pub use tables::{
    read_actuals, read_actuals_csv, read_actuals_xlsx, read_fiscal_csv, ActualCheck,
    ACTUALS_COLUMNS, ACTUALS_OPTIONAL,
};
pub use write::{write_plan_dir, PlanFiles};
