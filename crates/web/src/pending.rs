//! Uploads previewed and waiting for their confirmation (a department
//! workbook, a table of actuals). The parsed changes never travel through
//! the browser: the preview keeps them on the server under a random token
//! bound to the user's session, and the confirm form only names the token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gyokaku_store::PlanRef;

use crate::auth::{random_token, same_token};

/// How long a previewed upload can be applied.
const PENDING_FOR: Duration = Duration::from_secs(30 * 60);
/// Previews kept at most, over all users (the oldest go first).
const PENDING_MAX: usize = 200;

struct Entry<T> {
    user_id: i64,
    session: String,
    plan: PlanRef,
    at: Instant,
    upload: T,
}

/// Previewed uploads of one kind, in memory by token. Losing them (a
/// restart) only means uploading again.
pub struct Pending<T>(Arc<Mutex<HashMap<String, Entry<T>>>>);

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Pending(Arc::default())
    }
}

impl<T> Clone for Pending<T> {
    fn clone(&self) -> Self {
        Pending(Arc::clone(&self.0))
    }
}

impl<T> Pending<T> {
    /// Keeps `upload` for the user's session and returns its token. One
    /// preview per user and plan: a new upload replaces the last.
    pub fn put(&self, user_id: i64, session: &str, plan: &PlanRef, upload: T) -> String {
        let token = random_token();
        // A poisoned lock only means another request panicked mid-insert;
        // the map itself is still sound.
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, p| p.at.elapsed() < PENDING_FOR);
        map.retain(|_, p| !(p.user_id == user_id && &p.plan == plan));
        while map.len() >= PENDING_MAX {
            let Some(oldest) = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone()) else {
                break;
            };
            map.remove(&oldest);
        }
        map.insert(
            token.clone(),
            Entry {
                user_id,
                session: session.to_string(),
                plan: plan.clone(),
                at: Instant::now(),
                upload,
            },
        );
        token
    }

    /// Takes the preview named by `token` if it is the same user's and
    /// session's, for `plan`, and not expired. A taken preview cannot be
    /// applied twice.
    pub fn take(&self, token: &str, user_id: i64, session: &str, plan: &PlanRef) -> Option<T> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let key = map.keys().find(|k| same_token(k, token))?.clone();
        let p = map.get(&key)?;
        if p.user_id != user_id || !same_token(&p.session, session) || &p.plan != plan {
            return None;
        }
        let p = map.remove(&key)?;
        (p.at.elapsed() < PENDING_FOR).then_some(p.upload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(id: &str) -> PlanRef {
        PlanRef {
            city: "082058".parse().expect("a valid code"),
            plan: id.into(),
        }
    }

    #[test]
    fn a_preview_is_taken_once_by_its_own_session_only() {
        let p: Pending<u32> = Pending::default();
        let t = p.put(1, "s1", &plan("a"), 7);
        assert_eq!(p.take(&t, 2, "s1", &plan("a")), None, "another user");
        assert_eq!(p.take(&t, 1, "s2", &plan("a")), None, "another session");
        assert_eq!(p.take(&t, 1, "s1", &plan("b")), None, "another plan");
        assert_eq!(p.take(&t, 1, "s1", &plan("a")), Some(7));
        assert_eq!(p.take(&t, 1, "s1", &plan("a")), None, "taken already");
        let first = p.put(1, "s1", &plan("a"), 1);
        let second = p.put(1, "s1", &plan("a"), 2);
        assert_eq!(p.take(&first, 1, "s1", &plan("a")), None, "replaced");
        assert_eq!(p.take(&second, 1, "s1", &plan("a")), Some(2));
    }
}
