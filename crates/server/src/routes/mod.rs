//! The handlers, one module per resource; each has `pub fn routes() -> Router<Arc<AppState>>`
//! and is merged in [`crate::router::router`].

pub mod coverage;
pub mod layers;
pub mod ops;
pub mod releases;
pub mod render;
pub mod ui;
