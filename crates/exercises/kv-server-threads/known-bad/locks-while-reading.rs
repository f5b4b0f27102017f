//! A known-bad kv-server-threads, kept to prove that `cargo exercise check kv-server-threads`
//! catches its mistake: it locks the store once per client, for the whole
//! conversation: while one client is silent, every other client waits at the lock.
//!
//! mistake: locks the store once per client, for the whole conversation, so it holds the lock while it waits for its client
//! caught by: quiet-clients-delay-nobody
//!
//! It is the reference solution, `kv-server-threads/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! fn answer_requests(client: &mut TcpStream, store: &Mutex<Store>) -> Result<()> {
//!     loop {
//! with:
//! fn answer_requests(client: &mut TcpStream, store: &Mutex<Store>) -> Result<()> {
//!     // The mistake: the store is locked once, for the whole conversation.
//!     let mut store = lock(store);
//!     loop {
//! replace:
//!             Ok(text) => reply_locked(text, store),
//! with:
//!             Ok(text) => reply_to(text, &mut store),
//! replace:
//! /// The reply to one request, with the store locked for exactly as long as it takes.
//! fn reply_locked(request: &str, store: &Mutex<Store>) -> String {
//! with:
//! /// The reply to one request, with the store locked for exactly as long as it takes.
//! #[allow(dead_code)]
//! fn reply_locked(request: &str, store: &Mutex<Store>) -> String {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
