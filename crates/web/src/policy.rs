//! Who may do what, asked on the server by every handler before it reads or
//! writes (templates use the answers only to hide buttons). The rules are
//! the domain's (`gyokaku_domain::workflow`); the store asks them again
//! inside its transaction.

use gyokaku_domain::workflow::{answers_for, Rights, Situation};
use gyokaku_domain::{Coverage, LocalGovCode};
use gyokaku_store::{CycleState, ReportState, Role, User};

/// Whether one of the user's departments (in `city`) answers for an item
/// whose departments are `item_depts`, directly or as a parent.
pub fn responsible(
    user: &User,
    city: &LocalGovCode,
    item_depts: &[String],
    cov: &Coverage,
) -> bool {
    answers_for(&user.departments, city, item_depts, cov)
}

/// What a user may do with one item's report for one year.
pub fn item_rights(
    user: &User,
    is_responsible: bool,
    cycle: Option<CycleState>,
    state: Option<ReportState>,
) -> Rights {
    Rights::of(
        &user.actor(),
        state,
        Situation {
            open: cycle == Some(CycleState::Open),
            responsible: is_responsible,
        },
    )
}

pub fn is_office(user: &User) -> bool {
    user.role == Role::Office
}
