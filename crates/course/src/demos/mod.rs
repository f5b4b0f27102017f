//! The demos, one module per lesson. To add one: write `lessonNN.rs` with a `pub const DEMO`,
//! and list it in [`ALL`].

use crate::demo::Demo;

mod lesson01;

/// Every demo, in lesson order.
pub const ALL: &[Demo] = &[lesson01::DEMO];
