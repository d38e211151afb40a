//! One module per endpoint; each reads its input, calls the core and the store, and writes its
//! output. Routing is in `lib.rs`.

pub mod admin;
pub mod admin_session;
pub mod assets;
pub mod callback;
pub mod calls;
pub mod public_config;
pub mod slots;
