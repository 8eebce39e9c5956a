//! Passwords (argon2id, hashed off the async runtime), session tokens
//! (random, stored only as a BLAKE2 hash), CSRF tokens, and the request
//! extractor that names the signed-in user.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use blake2::{Blake2b512, Digest};

use gyokaku_store::Session;

use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::AppState;

pub const SESSION_COOKIE: &str = "gyokaku_session";
pub const PRE_COOKIE: &str = "gyokaku_pre";
pub const LANG_COOKIE: &str = "gyokaku_lang";
/// Sessions last a working day and a half.
pub const SESSION_SECS: i64 = 36 * 3600;
/// Failed logins in a row before the login is locked, and for how long.
pub const LOGIN_FAILURE_LIMIT: i64 = 5;
pub const LOGIN_LOCK_SECS: i64 = 15 * 60;
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A random token: 32 bytes from the OS, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the sessions table keeps instead of the token itself.
pub fn token_hash(token: &str) -> String {
    hex(&Blake2b512::digest(token.as_bytes())[..32])
}

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread. A
/// malformed stored hash counts as a mismatch.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language of a request: its cookie, else the browser's first
/// preference between Japanese and English, else Japanese.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookie(headers, LANG_COOKIE).and_then(Lang::from_code) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for part in accept.split(',') {
        let tag = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("ja") {
            return Lang::Ja;
        }
        if tag.starts_with("en") {
            return Lang::En;
        }
    }
    Lang::Ja
}

/// Whether cookies must be `Secure`: the server was told it is behind
/// https, or the proxy says this request came over https.
pub fn secure_request(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value with the attributes every gyokaku cookie has.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The signed-in user of a request. Extracting it from a request without
/// a live session sends the browser to the login page.
#[derive(Debug, Clone)]
pub struct Auth {
    pub session: Session,
    pub token_hash: String,
    pub tr: Tr,
}

impl Auth {
    pub fn user(&self) -> &gyokaku_store::User {
        &self.session.user
    }

    /// Checks the CSRF token a form carried.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        match sent {
            Some(t) if same_token(t, &self.session.csrf_token) => Ok(()),
            _ => Err(AppError::Csrf),
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Asked for twice in one request (a handler and `CsrfForm`): the
        // session is read once.
        if let Some(known) = parts.extensions.get::<Auth>() {
            return Ok(known.clone());
        }
        let tr = Tr::new(lang_of(&parts.headers));
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(AppError::Login { next });
        };
        let hash = token_hash(token);
        match state.store.session(&hash).await? {
            Some(session) => {
                let auth = Auth {
                    session,
                    token_hash: hash,
                    tr,
                };
                parts.extensions.insert(auth.clone());
                Ok(auth)
            }
            None => Err(AppError::Login { next }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), token_hash(&b));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn token_comparison() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }

    #[tokio::test]
    async fn argon2id_round_trip() {
        let h = hash_password("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse".into(), h.clone()).await);
        assert!(!verify_password("wrong horse".into(), h).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn cookies_and_language() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; gyokaku_lang=en; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(lang_of(&h), Lang::En);
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            "en-US,en;q=0.9,ja;q=0.8".parse().unwrap(),
        );
        assert_eq!(lang_of(&h), Lang::En);
        assert_eq!(lang_of(&HeaderMap::new()), Lang::Ja);
    }
}
