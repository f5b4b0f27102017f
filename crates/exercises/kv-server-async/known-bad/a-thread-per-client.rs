//! A known-bad kv-server-async, kept to prove that `cargo exercise check kv-server-async`
//! catches its mistake: it hands each client to
//! `tokio::task::spawn_blocking`, a thread of its own from a pool of up to 512, with a std
//! socket: a thread per client again, which the thousand clients show.
//!
//! mistake: serves each client on a thread of tokio's blocking pool (spawn_blocking)
//! caught by: thousand-clients
//!
//! It is the reference solution, `kv-server-async/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//!         tokio::spawn(async move {
//!             let result = serve_client(client, &store, settings).await;
//! with:
//!         // The mistake: a blocking thread per client, from a pool of at most 512.
//!         let Ok(client) = client.into_std() else { continue };
//!         tokio::task::spawn_blocking(move || {
//!             let result = serve_blocking(client, &store, settings);
//! replace:
//! /// A frame we cannot read: after a bad header or a length over the limit, nobody knows where
//! with:
//! /// The same client served on a blocking thread, with a std socket (the mistake).
//! fn serve_blocking(client: std::net::TcpStream, store: &Mutex<Store>, settings: Settings) -> Result<()> {
//!     client.set_nonblocking(false)?;
//!     netlesson::server::set_timeouts(&client, settings.idle_timeout)?;
//!     let mut client = client;
//!     loop {
//!         let request = match netlesson::framing::read_frame(&mut client, MAX_REQUEST) {
//!             Ok(Some(request)) => request,
//!             Ok(None) => return Ok(()),
//!             Err(error) => {
//!                 let reply = match &error {
//!                     FrameError::BadHeader { .. } => "ERR bad header",
//!                     FrameError::TooLarge { .. } => "ERR too long",
//!                     _ => return Err(error).context("could not receive a request"),
//!                 };
//!                 netlesson::framing::send_string(&mut client, reply)?;
//!                 return Err(error).context("refused a request");
//!             }
//!         };
//!         let reply = match std::str::from_utf8(&request) {
//!             Ok(text) => reply_to(text, &mut lock(store)),
//!             Err(_) => "ERR not UTF-8".to_string(),
//!         };
//!         netlesson::framing::send_string(&mut client, &reply)?;
//!     }
//! }
//!
//! /// A frame we cannot read: after a bad header or a length over the limit, nobody knows where
//! replace:
//! async fn serve_client(
//! with:
//! #[allow(dead_code)]
//! async fn serve_client(
//! replace:
//! async fn refuse_frame(client: &mut TcpStream, error: FrameError) -> Result<()> {
//! with:
//! #[allow(dead_code)]
//! async fn refuse_frame(client: &mut TcpStream, error: FrameError) -> Result<()> {
//! ```

include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
