//! Evidence a court can check: BagIt packages signed by the office (`bag`). The use cases that
//! fill a package from an object's card, analytics and journal live in `api`.

pub mod bag;
