//! Empty on purpose: this crate only exists for the features its `Cargo.toml` asks for (read
//! the comment there).
