use gyokaku_domain::{Bilingual, Message};

/// What can go wrong in the store, in the terms of its callers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", self.both())]
    NotFound(String),
    #[error("{}", self.both())]
    AlreadyExists(String),
    /// An edit based on an old version: the current one is returned so that
    /// the caller can show both and lose nothing.
    #[error("{}", self.both())]
    Conflict { expected: i64, current: i64 },
    /// A revision made from one that is no longer the latest: another was
    /// stored meanwhile.
    #[error("{}", self.both())]
    RevisionConflict { base: u32, current: u32 },
    /// Bad input, in Japanese and English kept apart.
    #[error("{}", self.both())]
    Invalid(Message),
    /// The workflow refused the action (a role, a department, a state or
    /// a closed year), decided inside the transaction.
    #[error("{}", self.both())]
    Refused(gyokaku_domain::Refusal),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("unsupported database URL '{0}' (use sqlite://PATH or postgres://…)")]
    UnsupportedUrl(String),
}

impl Bilingual for StoreError {
    fn ja(&self) -> String {
        match self {
            StoreError::NotFound(what) => format!("{what} が見つかりません"),
            StoreError::AlreadyExists(what) => format!("{what} はすでに登録されています（置き換えるには --replace）"),
            StoreError::Conflict { expected, current } => format!(
                "他の人が先に更新しました（編集の基にした版 {expected}、現在の版 {current}）。入力内容は失われていません。最新の内容と比べてから保存し直してください"
            ),
            StoreError::RevisionConflict { base, current } => format!(
                "競合: このフォルダは改訂 {base} を基にしていますが、その後に改訂 {current} が記録されました。何も書き込んでいません。改訂 {current} を書き出して変更をやり直してください"
            ),
            StoreError::Invalid(m) => m.ja.clone(),
            StoreError::Refused(r) => r.message().ja,
            other => other.en(),
        }
    }
    fn en(&self) -> String {
        match self {
            StoreError::NotFound(what) => format!("{what} not found"),
            StoreError::AlreadyExists(what) => format!("{what} already exists (use --replace to replace it)"),
            StoreError::Conflict { expected, current } => format!(
                "someone saved first (your edit was based on version {expected}, the current version is {current}); nothing you typed is lost: compare and save again"
            ),
            StoreError::RevisionConflict { base, current } => format!(
                "conflict: this folder was made from revision {base}, and revision {current} was recorded since; nothing was written. Export revision {current} and make the changes again"
            ),
            StoreError::Invalid(m) => m.en.clone(),
            StoreError::Refused(r) => r.message().en,
            StoreError::Database(e) => format!("database error: {e}"),
            StoreError::Corrupt(m) => format!("stored data is damaged: {m}"),
            StoreError::UnsupportedUrl(u) => format!("unsupported database URL '{u}' (use sqlite://PATH or postgres://…)"),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl From<gyokaku_domain::Refusal> for StoreError {
    fn from(r: gyokaku_domain::Refusal) -> Self {
        StoreError::Refused(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_keeps_japanese_and_english_apart() {
        let e = StoreError::Invalid(Message::new("意見が空です", "the opinion is empty"));
        assert_eq!(e.ja(), "意見が空です");
        assert_eq!(e.en(), "the opinion is empty");
        assert!(!e.ja().contains(" / ") && !e.en().contains(" / "));
        assert_eq!(e.to_string(), "意見が空です / the opinion is empty");
    }
}
