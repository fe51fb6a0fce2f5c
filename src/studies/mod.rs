//! Power studies: how often the estimators and detectors of `analytics` find what a generator
//! planted, over many synthetic worlds (`generator`) — the effect of acts (`effect`), anomalies of
//! inspection practice (`power`) and outbreaks of appeals' themes (`themes`). They stand above both:
//! `analytics` computes over what it is handed and never names a generator, and a generator makes
//! data without running an estimator. Pure computation, like `analytics`: no I/O, no SQL, no clock.

pub mod effect;
pub mod power;
pub mod themes;
