//! How every digest the product records is written: SHA-256 of the bytes, in lowercase hex. One
//! function for all layers (files imported, models, templates, documents, packages, settings), so
//! a digest computed in one place always compares equal to the same digest computed in another.

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(bytes.as_ref()))
}
