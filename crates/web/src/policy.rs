//! Who may do what. Every handler asks these functions, on the server,
//! before it reads or writes; templates only use them to hide buttons.

use std::collections::HashMap;

use gyokaku_domain::Organisation;
use gyokaku_store::{CycleState, ItemState, Role, User};

/// Each department id of an organisation with its ancestors (itself
/// first), so that a user given a 部 is responsible for its 課.
pub fn ancestry(org: &Organisation) -> HashMap<String, Vec<String>> {
    let flat = org.flatten();
    let parent: HashMap<&str, Option<&str>> =
        flat.iter().map(|(d, p)| (d.id.as_str(), *p)).collect();
    flat.iter()
        .map(|(d, _)| {
            let mut chain = vec![d.id.clone()];
            let mut cur = parent.get(d.id.as_str()).copied().flatten();
            while let Some(p) = cur {
                if chain.iter().any(|c| c == p) {
                    break;
                }
                chain.push(p.to_string());
                cur = parent.get(p).copied().flatten();
            }
            (d.id.clone(), chain)
        })
        .collect()
}

/// Whether one of the user's departments (in `city`) is responsible for
/// an item whose departments are `item_depts`, directly or as a parent.
pub fn responsible(
    user: &User,
    city: &str,
    item_depts: &[String],
    ancestry: &HashMap<String, Vec<String>>,
) -> bool {
    item_depts.iter().any(|d| {
        let chain = ancestry
            .get(d)
            .map(Vec::as_slice)
            .unwrap_or(std::slice::from_ref(d));
        chain.iter().any(|c| {
            user.departments
                .iter()
                .any(|u| u.city == city && &u.dept == c)
        })
    })
}

/// Whether `dept` is one of `depts` or a parent of one of them (a 部 covers
/// its 課).
pub fn covers(depts: &[String], dept: &str, ancestry: &HashMap<String, Vec<String>>) -> bool {
    depts.iter().any(|d| {
        d == dept
            || ancestry
                .get(d)
                .is_some_and(|chain| chain.iter().any(|c| c == dept))
    })
}

/// What a user may do with one item's report for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemRights {
    pub edit: bool,
    pub review: bool,
    pub opine: bool,
}

pub fn item_rights(
    user: &User,
    is_responsible: bool,
    cycle: Option<CycleState>,
    state: Option<ItemState>,
) -> ItemRights {
    let open = cycle == Some(CycleState::Open);
    let editable = state.is_none_or(ItemState::editable);
    ItemRights {
        edit: open
            && editable
            && match user.role {
                Role::Office => true,
                Role::Editor => is_responsible,
                Role::Council | Role::Viewer => false,
            },
        review: open && user.role == Role::Office && state == Some(ItemState::Submitted),
        opine: open && user.role == Role::Council,
    }
}

pub fn is_office(user: &User) -> bool {
    user.role == Role::Office
}

#[cfg(test)]
mod tests {
    use super::*;
    use gyokaku_domain::{Department, DepartmentKind};
    use gyokaku_store::DeptRef;

    fn dept(id: &str, children: Vec<Department>) -> Department {
        Department {
            id: id.into(),
            name: id.into(),
            abbreviation: None,
            kind: DepartmentKind::Division,
            valid_from: None,
            valid_to: None,
            successor: None,
            note: None,
            children,
        }
    }

    fn user(role: Role, depts: &[&str]) -> User {
        User {
            id: 1,
            login: "u".into(),
            display_name: "u".into(),
            role,
            active: true,
            departments: depts
                .iter()
                .map(|d| DeptRef {
                    city: "082058".into(),
                    dept: d.to_string(),
                })
                .collect(),
            version: 1,
        }
    }

    #[test]
    fn parent_department_covers_its_divisions() {
        let org = Organisation {
            as_of: None,
            note: None,
            departments: vec![
                dept("総務部", vec![dept("総務部/総務課", vec![])]),
                dept("財政課", vec![]),
            ],
        };
        let a = ancestry(&org);
        let item = vec!["総務部/総務課".to_string()];
        assert!(responsible(
            &user(Role::Editor, &["総務部"]),
            "082058",
            &item,
            &a
        ));
        assert!(responsible(
            &user(Role::Editor, &["総務部/総務課"]),
            "082058",
            &item,
            &a
        ));
        assert!(!responsible(
            &user(Role::Editor, &["財政課"]),
            "082058",
            &item,
            &a
        ));
        // The same department key in another city is another department.
        assert!(!responsible(
            &user(Role::Editor, &["総務部"]),
            "102113",
            &item,
            &a
        ));
    }

    #[test]
    fn rights_by_role_state_and_cycle() {
        let open = Some(CycleState::Open);
        let closed = Some(CycleState::Closed);
        let editor = user(Role::Editor, &[]);
        assert!(item_rights(&editor, true, open, None).edit);
        assert!(item_rights(&editor, true, open, Some(ItemState::Returned)).edit);
        assert!(!item_rights(&editor, true, open, Some(ItemState::Submitted)).edit);
        assert!(!item_rights(&editor, false, open, None).edit);
        assert!(!item_rights(&editor, true, closed, None).edit);
        assert!(!item_rights(&editor, true, None, None).edit);
        let office = user(Role::Office, &[]);
        assert!(item_rights(&office, false, open, Some(ItemState::Submitted)).review);
        assert!(!item_rights(&office, false, open, Some(ItemState::Draft)).review);
        assert!(!item_rights(&office, false, closed, Some(ItemState::Submitted)).review);
        let council = user(Role::Council, &[]);
        assert_eq!(
            item_rights(&council, true, open, None),
            ItemRights {
                edit: false,
                review: false,
                opine: true
            }
        );
        assert_eq!(
            item_rights(&user(Role::Viewer, &[]), true, open, None),
            ItemRights::default()
        );
    }
}
