//! An object's evidence: the documents attached to it (`attachments`, encrypted at rest by the
//! store) and the signed BagIt package that carries the card, the analytics, the journal's excerpt,
//! the acts and the documents to whoever must check them (`package`).

pub mod attachments;
pub mod documents;
pub mod fact_task;
pub mod measure;
pub mod package;

use crate::api::session::handles::{Documents, Journal, Kernel, Read, Sealer};

/// The evidence: attached documents sealed at rest, their reading and facts, evidence packages signed and verified. `Session::evidence` lends it; it holds the kernel, the sealed documents and the signing key.
pub struct Evidence<'s> {
    kernel: Kernel<'s>,
    /// The sealed documents beside the database.
    documents: Documents<'s>,
    /// The signing key, for the packages this database signs.
    sealer: Sealer<'s>,
}

impl<'s> Evidence<'s> {
    pub(in crate::api) fn new(kernel: Kernel<'s>, documents: Documents<'s>, sealer: Sealer<'s>) -> Evidence<'s> {
        Evidence { kernel, documents, sealer }
    }

    pub(in crate::api) fn read(&self) -> Read<'_> {
        self.kernel.read()
    }

    pub(in crate::api) fn journal(&mut self) -> Journal<'_> {
        self.kernel.journal()
    }
}
