//! An object's evidence: the documents attached to it (`attachments`, encrypted at rest by the
//! store) and the signed BagIt package that carries the card, the analytics, the journal's excerpt,
//! the acts and the documents to whoever must check them (`package`).

pub mod attachments;
pub mod documents;
pub mod fact_task;
pub mod measure;
pub mod package;
